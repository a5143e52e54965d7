// A streaming RecordIO reader with a bound on record size, for orch's tests and example clients.

/** A uint64 has at most 20 decimal digits; a longer header is not RecordIO. */
export const header_digits_max = 20;

export class RecordIOError extends Error {
  override name = "RecordIOError";
}

/**
 * Feed it chunks as they arrive (any boundaries: proxies may re-chunk); it returns each complete
 * record. After an error every call fails, since the next header cannot be found (as stout's decoder).
 */
export class RecordIODecoder {
  private header = "";
  /** Bytes still owed to the current record; undefined while reading a header. */
  private remaining: number | undefined;
  private parts: Uint8Array[] = [];
  private failed: RecordIOError | undefined;

  /** `record_bytes_max`: the largest record accepted; a longer length header is an error. */
  constructor(readonly record_bytes_max: number) {
    if (!Number.isSafeInteger(record_bytes_max) || record_bytes_max < 1) {
      throw new RangeError(`recordio: record_bytes_max must be a whole number of at least 1, not ${record_bytes_max}`);
    }
  }

  push(chunk: Uint8Array): Buffer[] {
    if (this.failed) throw this.failed;
    const records: Buffer[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.remaining === undefined) {
        at = this.readHeader(chunk, at, records);
      } else {
        const take = Math.min(this.remaining, chunk.length - at);
        const part = chunk.subarray(at, at + take);
        // A record that continues in a later chunk keeps a copy: the caller may reuse its buffer.
        this.parts.push(take < this.remaining ? Uint8Array.from(part) : part);
        at += take;
        this.remaining -= take;
        if (this.remaining === 0) {
          records.push(Buffer.concat(this.parts));
          this.parts = [];
          this.remaining = undefined;
        }
      }
    }
    return records;
  }

  /** Call at the end of the stream: a record or header cut short is an error. */
  end(): void {
    if (this.failed) throw this.failed;
    if (this.remaining !== undefined) this.fail(`the stream ended ${this.remaining} bytes short of the last record`);
    if (this.header !== "") this.fail(`the stream ended inside a length header ("${this.header}")`);
  }

  private readHeader(chunk: Uint8Array, start: number, records: Buffer[]): number {
    let at = start;
    while (at < chunk.length) {
      const byte = chunk[at++] ?? 0;
      if (byte !== 0x0a) {
        if (byte < 0x30 || byte > 0x39) this.fail(`the length header has the byte 0x${byte.toString(16).padStart(2, "0")}, not a digit; this is not a RecordIO stream`);
        this.header += String.fromCharCode(byte);
        if (this.header.length > header_digits_max) this.fail(`the length header "${this.header}…" is longer than ${header_digits_max} digits`);
        continue;
      }
      if (this.header === "") this.fail("a length header is empty");
      const length = Number(this.header);
      if (length > this.record_bytes_max) {
        this.fail(`a record of ${this.header} bytes is over record_bytes_max (${this.record_bytes_max}); raise the bound or find what sends it`);
      }
      this.header = "";
      if (length === 0) records.push(Buffer.alloc(0)); // stout yields empty records too
      else this.remaining = length;
      return at;
    }
    return at;
  }

  private fail(problem: string): never {
    this.failed = new RecordIOError(`recordio: ${problem}`);
    throw this.failed;
  }
}
