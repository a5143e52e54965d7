// The replicated key-value table: values with create and modify indexes, compare-and-set.

export interface KvEntry {
  /** The value as the base64 its command carried: applies and snapshots never re-encode it. */
  value_b64: string;
  /** Raft index of the write that created the key. */
  create_index: number;
  /** Raft index of the last write; the value compare-and-set compares against. */
  modify_index: number;
}

export type KvResult =
  | { ok: true; key: string; modify_index: number; deleted?: boolean }
  | { ok: false; code: "cas_mismatch"; key: string; current_index: number }
  | { ok: false; code: "not_found"; key: string };

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

  put(index: number, key: string, value_b64: string, cas: number | undefined): KvResult {
    const cur = this.rows.get(key);
    const current_index = cur?.modify_index ?? 0;
    if (cas !== undefined && cas !== current_index) return { ok: false, code: "cas_mismatch", key, current_index };
    this.rows.set(key, { value_b64, create_index: cur?.create_index ?? index, modify_index: index });
    return { ok: true, key, modify_index: index };
  }

  delete(index: number, key: string, cas: number | undefined): KvResult {
    const cur = this.rows.get(key);
    if (cur === undefined) return cas !== undefined && cas !== 0 ? { ok: false, code: "cas_mismatch", key, current_index: 0 } : { ok: false, code: "not_found", key };
    if (cas !== undefined && cas !== cur.modify_index) return { ok: false, code: "cas_mismatch", key, current_index: cur.modify_index };
    this.rows.delete(key);
    return { ok: true, key, modify_index: index, deleted: true };
  }

  entries(): IterableIterator<[string, KvEntry]> {
    return this.rows.entries();
  }

  clear(): void {
    this.rows.clear();
  }
}
