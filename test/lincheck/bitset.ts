// A fixed-size bitset with a cheap hash: the "which ops are linearized" half of a memo key.

const bits_per_word = 32;

export class Bitset {
  private constructor(private readonly words: Uint32Array) {}

  static empty(size_bits: number): Bitset {
    return new Bitset(new Uint32Array(Math.ceil(size_bits / bits_per_word)));
  }

  clone(): Bitset {
    return new Bitset(this.words.slice());
  }

  set(index: number): void {
    const word = index >>> 5;
    this.words[word] = (this.words[word] ?? 0) | (1 << (index & 31));
  }

  clear(index: number): void {
    const word = index >>> 5;
    this.words[word] = (this.words[word] ?? 0) & ~(1 << (index & 31));
  }

  has(index: number): boolean {
    return (((this.words[index >>> 5] ?? 0) >>> (index & 31)) & 1) === 1;
  }

  count(): number {
    let total = 0;
    for (const word of this.words) {
      let w = word;
      while (w !== 0) {
        w &= w - 1;
        total += 1;
      }
    }
    return total;
  }

  /** FNV-1a over the words; collisions are resolved by `equals`. */
  hash(): number {
    let h = 0x811c9dc5;
    for (const word of this.words) {
      h = Math.imul(h ^ word, 0x01000193);
    }
    return h >>> 0;
  }

  equals(other: Bitset): boolean {
    if (other.words.length !== this.words.length) return false;
    for (let i = 0; i < this.words.length; i += 1) {
      if (this.words[i] !== other.words[i]) return false;
    }
    return true;
  }
}
