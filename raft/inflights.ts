// Inflights: a bounded ring of the last indexes of MsgApp sent but not yet acknowledged.
import { RaftInvariantError } from "./types.js";

export class Inflights {
  private readonly buffer: number[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.buffer = new Array<number>(capacity).fill(0);
  }

  /** Record a MsgApp whose last entry is `index`; indexes must increase. */
  add(index: number): void {
    if (this.full()) throw new RaftInvariantError(`inflights: add(${index}) when ${this.capacity} are already in flight`);
    this.buffer[(this.start + this.count) % this.capacity] = index;
    this.count++;
  }

  /** Forget every message whose last index is <= `to` (acknowledged). */
  freeLE(to: number): void {
    while (this.count > 0 && this.buffer[this.start]! <= to) {
      this.start = (this.start + 1) % this.capacity;
      this.count--;
    }
    if (this.count === 0) this.start = 0;
  }

  /** Forget the oldest message (presumed lost). */
  freeFirstOne(): void {
    if (this.count === 0) return;
    this.freeLE(this.buffer[this.start]!);
  }

  full(): boolean {
    return this.count === this.capacity;
  }

  size(): number {
    return this.count;
  }

  reset(): void {
    this.start = 0;
    this.count = 0;
  }
}
