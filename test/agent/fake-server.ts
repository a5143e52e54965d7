// An in-memory server speaking the agent contract on 127.0.0.1, with knobs to misbehave (503s, dropped streams, withheld acks).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type {
  Assignment,
  AssignmentLine,
  HeartbeatRequest,
  RegisterRequest,
  RegisterResponse,
  StatusRequest,
  StatusResponse,
  StatusUpdate,
} from "../../internal/api/agent.js";
import type { TaskSpec, TaskState } from "../../internal/driver/types.js";

export interface FakeServerOptions {
  heartbeat_interval_ms?: number;
  keepalive_ms?: number;
  cluster_id?: string;
}

export class FakeServer {
  readonly registrations: RegisterRequest[] = [];
  readonly nodes = new Map<string, RegisterRequest>();
  /** Updates applied, in the order applied (duplicates and seq <= last applied are not). */
  readonly applied: StatusUpdate[] = [];
  /** Every update received, duplicates included. */
  readonly received: StatusUpdate[] = [];
  heartbeats = 0;
  /** Answer every route with 503 (no leader). */
  unavailable = false;
  /** Apply updates but do not acknowledge them. */
  withhold_acks = false;
  index = 1;
  private readonly tasks = new Map<string, Assignment>();
  private readonly last_seq = new Map<string, number>();
  private readonly streams = new Set<ServerResponse>();
  private server: Server | undefined;
  private port_value = 0;
  private keepalive: NodeJS.Timeout | undefined;

  constructor(private readonly options: FakeServerOptions = {}) {}

  get addr(): string {
    return `127.0.0.1:${this.port_value}`;
  }

  async listen(port = this.port_value): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    this.server = server;
    this.port_value = (server.address() as AddressInfo).port;
    this.keepalive = setInterval(() => this.broadcast({ type: "keepalive", index: this.index }), this.options.keepalive_ms ?? 200);
  }

  /** The server goes away: open streams break, new connections are refused until listen() again. */
  async close(): Promise<void> {
    clearInterval(this.keepalive);
    for (const res of this.streams) res.destroy();
    this.streams.clear();
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Cuts every assignment stream without closing the server. */
  dropStreams(): void {
    for (const res of this.streams) res.destroy();
    this.streams.clear();
  }

  /** Forget every node: the next heartbeat gets 404 unknown_node. */
  forgetNodes(): void {
    this.nodes.clear();
  }

  assign(spec: TaskSpec, desired: "running" | "stopped" = "running", grace_ms = 2_000): void {
    this.tasks.set(spec.task_id, { task_id: spec.task_id, spec, desired, grace_ms });
    this.changed();
  }

  setDesired(task_id: string, desired: "running" | "stopped"): void {
    const task = this.tasks.get(task_id);
    if (task === undefined) throw new Error(`fake server: no task ${task_id}`);
    this.tasks.set(task_id, { ...task, desired });
    this.changed();
  }

  unassign(task_id: string): void {
    this.tasks.delete(task_id);
    this.changed();
  }

  /** Sends a list with this index (e.g. a stale one from a lagging server) without changing the state. */
  sendList(index: number, tasks: Assignment[]): void {
    this.broadcast({ type: "assignments", index, tasks });
  }

  statesOf(task_id: string): TaskState[] {
    return this.applied.filter((u) => u.task_id === task_id).map((u) => u.status.state);
  }

  lastState(task_id: string): TaskState | undefined {
    return this.statesOf(task_id).at(-1);
  }

  private changed(): void {
    this.index += 1;
    this.broadcast(this.list());
  }

  private list(): AssignmentLine {
    return { type: "assignments", index: this.index, tasks: [...this.tasks.values()] };
  }

  private broadcast(line: AssignmentLine): void {
    for (const res of this.streams) res.write(`${JSON.stringify(line)}\n`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const body = req.method === "POST" ? await readJson(req) : undefined;
    if (this.unavailable) return reply(res, 503, { error: { code: "no_leader", message: "fake: no leader" } });
    switch (`${req.method ?? ""} ${url.pathname}`) {
      case "POST /v1/agent/register": {
        const request = body as RegisterRequest;
        this.registrations.push(request);
        this.nodes.set(request.node_id, request);
        const answer: RegisterResponse = {
          node_id: request.node_id,
          cluster_id: this.options.cluster_id ?? "fake-cluster",
          heartbeat_interval_ms: this.options.heartbeat_interval_ms ?? 100,
          heartbeat_ttl_ms: 5_000,
        };
        return reply(res, 200, answer);
      }
      case "POST /v1/agent/heartbeat": {
        this.heartbeats += 1;
        if (!this.nodes.has((body as HeartbeatRequest).node_id)) return reply(res, 404, { error: { code: "unknown_node", message: "register again" } });
        return reply(res, 200, { ok: true, heartbeat_interval_ms: this.options.heartbeat_interval_ms ?? 100, heartbeat_ttl_ms: 5_000 });
      }
      case "GET /v1/agent/assignments": {
        if (!this.nodes.has(url.searchParams.get("node_id") ?? "")) return reply(res, 404, { error: { code: "unknown_node", message: "register first" } });
        res.writeHead(200, { "content-type": "application/x-ndjson" });
        this.streams.add(res);
        res.on("close", () => this.streams.delete(res));
        res.write(`${JSON.stringify(this.list())}\n`);
        return;
      }
      case "POST /v1/agent/status": {
        const request = body as StatusRequest;
        const acked: string[] = [];
        for (const update of request.updates) {
          this.received.push(update);
          if (update.seq > (this.last_seq.get(update.task_id) ?? 0)) {
            this.last_seq.set(update.task_id, update.seq);
            this.applied.push(update);
          }
          acked.push(update.update_id);
        }
        const answer: StatusResponse = { acked: this.withhold_acks ? [] : acked };
        return reply(res, 200, answer);
      }
      default:
        return reply(res, 404, { error: { code: "not_found", message: `fake: no route ${req.method ?? ""} ${url.pathname}` } });
    }
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
}

/** Polls `check` until it returns a value other than undefined/false, or fails with `what` after `timeout_ms`. */
export async function eventually<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeout_ms = 15_000): Promise<T> {
  const deadline_ms = Date.now() + timeout_ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline_ms) throw new Error(`timed out after ${timeout_ms} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
