// A bounded FIFO of encoded frames for one peer, counting messages and bytes.

export class FrameQueue {
  private items: Uint8Array[] = [];
  private head = 0;
  private bytes_held = 0;

  constructor(
    readonly messages_max: number,
    readonly bytes_max: number,
  ) {}

  get length(): number {
    return this.items.length - this.head;
  }

  get bytes(): number {
    return this.bytes_held;
  }

  /** False (and nothing kept) when the frame would break either bound. */
  push(frame: Uint8Array): boolean {
    if (this.length >= this.messages_max || this.bytes_held + frame.byteLength > this.bytes_max) return false;
    this.items.push(frame);
    this.bytes_held += frame.byteLength;
    return true;
  }

  shift(): Uint8Array | undefined {
    if (this.head >= this.items.length) return undefined;
    const frame = this.items[this.head]!;
    this.items[this.head] = EMPTY;
    this.head++;
    this.bytes_held -= frame.byteLength;
    // Compact once the consumed prefix dominates, so shifting stays O(1) amortized.
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return frame;
  }

  /** Takes out every frame `drop` picks (a rare path: a lost connection); returns how many. */
  removeWhere(drop: (frame: Uint8Array) => boolean): number {
    const kept: Uint8Array[] = [];
    let removed = 0;
    for (let i = this.head; i < this.items.length; i++) {
      const frame = this.items[i]!;
      if (drop(frame)) {
        removed++;
        this.bytes_held -= frame.byteLength;
      } else kept.push(frame);
    }
    this.items = kept;
    this.head = 0;
    return removed;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
    this.bytes_held = 0;
  }
}

const EMPTY = new Uint8Array(0);
