// A small seeded generator (mulberry32) so every placement replays exactly from its seed.
import type { Rng } from "./types.js";

export class SeededRng implements Rng {
  private state: number;

  constructor(seed: number) {
    // Mix the seed so that nearby seeds (1, 2, 3...) give unrelated streams.
    this.state = (Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b) ^ (seed / 0x100000000)) >>> 0;
  }

  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
}

/** A uniform integer in [0, n). */
export function intn(rng: Rng, n: number): number {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`scheduler: intn(${n}): n must be a positive integer`);
  return Math.floor((rng.nextUint32() / 0x100000000) * n);
}
