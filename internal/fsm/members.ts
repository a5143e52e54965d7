// Addresses of the Raft members, kept in the replicated state so every server can route.

export interface Member {
  id: number;
  name: string;
  raft_addr: string;
  /** Empty until the server announces its HTTP address (member_update). */
  http_addr: string;
  /** The command-set version the server announced (member_update); absent: the baseline (fsm/version.ts). */
  command_set_version?: number;
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

  /** Keeps the current HTTP address when given none, and the announced version when given none. */
  upsert(m: Member): void {
    const cur = this.rows.get(m.id);
    const version = m.command_set_version ?? cur?.command_set_version;
    this.rows.set(m.id, { ...m, http_addr: m.http_addr !== "" ? m.http_addr : (cur?.http_addr ?? ""), ...(version !== undefined ? { command_set_version: version } : {}) });
    this.max_id = Math.max(this.max_id, m.id);
  }

  /** Records the version a server announced; undefined (an entry an older build wrote) forgets it. */
  announce(id: number, command_set_version: number | undefined): void {
    const cur = this.rows.get(id);
    if (cur === undefined) return;
    const { command_set_version: _, ...rest } = cur;
    this.rows.set(id, command_set_version !== undefined ? { ...rest, command_set_version } : rest);
  }

  remove(id: number): void {
    this.rows.delete(id);
  }

  clear(): void {
    this.rows.clear();
    this.max_id = 0;
  }
}
