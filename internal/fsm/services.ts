// The replicated table of services and jobs: what the user asked to run, and how it is going.
import type { PortMapping } from "../driver/types.js";

export type ServiceKind = "service" | "job";
export type RestartPolicy = "always" | "on-failure" | "never";

/** What `orch run` asks for. Validated at the HTTP edge; the state machine trusts it. */
export interface ServiceSpec {
  name: string;
  kind: ServiceKind;
  image: string;
  command?: string[];
  args?: string[];
  env?: Record<string, string>;
  cpus: number;
  memory_bytes: number;
  disk_bytes: number;
  /** Replicas for a service; completions wanted for a job. */
  count: number;
  ports: PortMapping[];
  /** Host address published ports bind to (0.0.0.0 unless given, as with docker run -p). */
  host_ip: string;
  /** Constraint expressions, e.g. "os==linux", "unique". */
  constraints: string[];
  restart: RestartPolicy;
  /** Jobs: how many failed runs are retried before the job fails. */
  retries_max: number;
  role: string;
  grace_ms: number;
  strategy: "binpack" | "spread";
}

export type ServiceState = "running" | "stopped" | "complete" | "failed";

export interface ServiceRecord {
  spec: ServiceSpec;
  state: ServiceState;
  created_at_ms: number;
  updated_at_ms: number;
  /** Raft index of the last spec change: tasks made from an older spec are replaced. */
  version: number;
  /** Tasks made so far, so ids never repeat. */
  tasks_made: number;
  /** Failed or lost tasks replaced so far (drives the restart backoff). */
  restarts: number;
  /** Jobs: runs that ended FINISHED / FAILED. */
  completions: number;
  failures: number;
  /** Why some tasks wait for room, or "" when none wait. */
  pending_reason: string;
  pending_count: number;
}

export class ServiceTable {
  private readonly rows = new Map<string, ServiceRecord>();

  get(name: string): ServiceRecord | undefined {
    return this.rows.get(name);
  }

  all(): ServiceRecord[] {
    return [...this.rows.values()].sort((a, b) => (a.spec.name < b.spec.name ? -1 : a.spec.name > b.spec.name ? 1 : 0));
  }

  get size(): number {
    return this.rows.size;
  }

  upsert(s: ServiceRecord): void {
    this.rows.set(s.spec.name, s);
  }

  delete(name: string): void {
    this.rows.delete(name);
  }

  clear(): void {
    this.rows.clear();
  }
}
