// Addresses of the Raft members, kept in the replicated state so every server can route.

export interface Member {
  id: number;
  name: string;
  raft_addr: string;
  /** Empty until the server announces its HTTP address (member_update). */
  http_addr: string;
}

export class MemberTable {
  private readonly rows = new Map<number, Member>();
  /** Highest id ever given, so a removed server's id is never reused. */
  max_id = 0;

  get(id: number): Member | undefined {
    return this.rows.get(id);
  }

  byName(name: string): Member | undefined {
    for (const m of this.rows.values()) if (m.name === name) return m;
    return undefined;
  }

  all(): Member[] {
    return [...this.rows.values()].sort((a, b) => a.id - b.id);
  }

  upsert(m: Member): void {
    const cur = this.rows.get(m.id);
    this.rows.set(m.id, { ...m, http_addr: m.http_addr !== "" ? m.http_addr : (cur?.http_addr ?? "") });
    this.max_id = Math.max(this.max_id, m.id);
  }

  remove(id: number): void {
    this.rows.delete(id);
  }

  clear(): void {
    this.rows.clear();
    this.max_id = 0;
  }
}
