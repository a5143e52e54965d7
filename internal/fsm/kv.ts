// The replicated key-value table: values with create and modify indexes, compare-and-set.

export interface KvEntry {
  /** The value's bytes: a view of the log entry that wrote it (entries are allocations of their own), or a copy. */
  value: Uint8Array;
  /** Raft index of the write that created the key. */
  create_index: number;
  /** Raft index of the last write; the value compare-and-set compares against. */
  modify_index: number;
}

export type KvResult =
  | { ok: true; key: string; modify_index: number; deleted?: boolean }
  | { ok: false; code: "cas_mismatch"; key: string; current_index: number }
  | { ok: false; code: "not_found"; key: string };

const lone_surrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True if UTF-8 cannot carry the text exactly (a lone surrogate would become U+FFFD): such keys travel as JSON. */
export function hasLoneSurrogate(text: string): boolean {
  return lone_surrogate.test(text);
}

export class KvTable {
  private readonly rows = new Map<string, KvEntry>();

  get(key: string): KvEntry | undefined {
    return this.rows.get(key);
  }

  get size(): number {
    return this.rows.size;
  }

  /** Keys with the prefix, sorted, at most `limit`. */
  list(prefix: string, limit: number): [string, KvEntry][] {
    const keys = [...this.rows.keys()].filter((k) => k.startsWith(prefix)).sort();
    return keys.slice(0, limit).map((k) => [k, this.rows.get(k)!]);
  }

  put(index: number, key: string, value: Uint8Array, cas: number | undefined): KvResult {
    const cur = this.rows.get(key);
    const current_index = cur?.modify_index ?? 0;
    if (cas !== undefined && cas !== current_index) return { ok: false, code: "cas_mismatch", key, current_index };
    this.rows.set(key, { value, create_index: cur?.create_index ?? index, modify_index: index });
    return { ok: true, key, modify_index: index };
  }

  delete(index: number, key: string, cas: number | undefined): KvResult {
    const cur = this.rows.get(key);
    if (cur === undefined) return cas !== undefined && cas !== 0 ? { ok: false, code: "cas_mismatch", key, current_index: 0 } : { ok: false, code: "not_found", key };
    if (cas !== undefined && cas !== cur.modify_index) return { ok: false, code: "cas_mismatch", key, current_index: cur.modify_index };
    this.rows.delete(key);
    return { ok: true, key, modify_index: index, deleted: true };
  }

  /** A row as a snapshot holds it. */
  restoreRow(key: string, e: KvEntry): void {
    this.rows.set(key, e);
  }

  entries(): IterableIterator<[string, KvEntry]> {
    return this.rows.entries();
  }

  clear(): void {
    this.rows.clear();
  }
}
