// The replicated table of external frameworks (Mesos v1 schedulers): who they are, whether they are
// connected, how long their tasks outlive a disconnection, which roles they suppressed, the nodes
// they declined. Kept in Raft so that a leader failover loses none of it (Mesos forgets failover
// timeouts when its master fails over; orch does not).

/** Frameworks registered at once; SUBSCRIBE of one more is refused. */
export const frameworks_registered_max = 1_024;
/** Removed frameworks remembered (GET /master/state's completed_frameworks); the oldest go first. */
export const frameworks_completed_max = 100;
/** Decline filters kept per framework; past it the shortest-lived go first. */
export const framework_filters_max = 10_000;

/** What a framework said of itself at SUBSCRIBE or UPDATE_FRAMEWORK (Mesos's FrameworkInfo, the parts orch keeps). */
export interface FrameworkInfoRecord {
  name: string;
  user: string;
  roles: string[];
  /** MULTI_ROLE frameworks send `roles`; others the singular `role`: answers keep their form. */
  multi_role: boolean;
  /** Capability type names (PARTITION_AWARE, TASK_KILLING_STATE, MULTI_ROLE, ...). */
  capabilities: string[];
  failover_timeout_s: number;
  checkpoint: boolean;
  hostname: string;
  principal: string;
  webui_url: string;
  labels: { key: string; value: string }[];
}

export interface DeclineFilter {
  node_id: string;
  /** The node is not offered to this framework before this time (proposer's clock). */
  until_ms: number;
}

export interface FrameworkRecord {
  framework_id: string;
  info: FrameworkInfoRecord;
  /** An open subscription stream on the leader. */
  connected: boolean;
  registered_at_ms: number;
  /** Last SUBSCRIBE (first or again). */
  subscribed_at_ms: number;
  /** When the stream broke (0 while connected); tasks are killed failover_timeout_s after it. */
  disconnected_at_ms: number;
  suppressed_roles: string[];
  filters: DeclineFilter[];
  /** Removed (TEARDOWN, failover timeout, operator): kept in the completed list only. */
  removed_at_ms: number;
  removed_reason: string;
  /** Internal task ids made so far: ids never repeat. */
  tasks_made: number;
}

export class FrameworkTable {
  private readonly rows = new Map<string, FrameworkRecord>();
  private completed_rows: FrameworkRecord[] = [];

  get(framework_id: string): FrameworkRecord | undefined {
    return this.rows.get(framework_id);
  }

  get size(): number {
    return this.rows.size;
  }

  all(): FrameworkRecord[] {
    return [...this.rows.values()];
  }

  /** Removed frameworks, oldest first (bounded by frameworks_completed_max). */
  completed(): readonly FrameworkRecord[] {
    return this.completed_rows;
  }

  upsert(f: FrameworkRecord): void {
    this.rows.set(f.framework_id, f);
  }

  /** Moves a framework to the completed list. */
  remove(framework_id: string): void {
    const f = this.rows.get(framework_id);
    if (f === undefined) return;
    this.rows.delete(framework_id);
    this.completed_rows.push(f);
    if (this.completed_rows.length > frameworks_completed_max) this.completed_rows.splice(0, this.completed_rows.length - frameworks_completed_max);
  }

  wasRemoved(framework_id: string): FrameworkRecord | undefined {
    return this.completed_rows.find((f) => f.framework_id === framework_id);
  }

  restore(active: readonly FrameworkRecord[], completed: readonly FrameworkRecord[]): void {
    this.clear();
    for (const f of active) this.rows.set(f.framework_id, f);
    this.completed_rows = [...completed];
  }

  clear(): void {
    this.rows.clear();
    this.completed_rows = [];
  }
}
