// POST /api/v1/scheduler, Mesos's v1 scheduler HTTP API, on Node's request and response directly:
// a SUBSCRIBE's answer is a RecordIO stream whose headers and events go out at once (no buffering,
// no compression). Followers answer 307 to the leader; every other call gets exactly 202.
// Also GET /master/redirect and /redirect (307 to the leading master), as Mesos serves them.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { toBase64 } from "../../fsm/base64.js";
import type { Logger } from "../../log/logger.js";
import { planAccept } from "../../mesos/accept-plan.js";
import { readCallRequest } from "../../mesos/call-request.js";
import { refuseSeconds, killGraceMs } from "../../mesos/filters.js";
import { encodeEvent } from "../../mesos/json-encode.js";
import { encodeRecord } from "../../mesos/recordio.js";
import { capabilitiesOf } from "../../mesos/status-filter.js";
import { frameworkProblem } from "../../mesos/framework-validate.js";
import { checkStream } from "../../mesos/stream-check.js";
import { kill_grace_ms_default, translateTask } from "../../mesos/task-translate.js";
import type { FrameworkCapability } from "../../mesos/types-framework.js";
import type { ValidCall } from "../../mesos/valid-call.js";
import { HostError, type FrameworkConnection, type HostEvent, type LaunchRequest } from "../leader/framework-types.js";
import { readIncoming } from "./body.js";
import { HttpError } from "./errors.js";
import { frameworkRecordOf, masterInfo, mesosEvent } from "./mesos-events.js";
import type { ServerView } from "./view.js";

const scheduler_path = "/api/v1/scheduler";
/** Largest call body (an ACCEPT launching launches_per_accept_max tasks fits). */
export const scheduler_body_bytes_max = 8 * 1024 * 1024;
/** Bytes of events a stream may have queued unsent; a framework that reads slower is cut off (it re-subscribes). */
export const stream_buffer_bytes_max = 16 * 1024 * 1024;

/** One open SUBSCRIBE stream. */
class Stream implements FrameworkConnection {
  private ended = false;
  capabilities: ReadonlySet<FrameworkCapability> = new Set();
  multi_role = false;
  framework_id = "";

  constructor(
    readonly stream_id: string,
    private readonly res: ServerResponse,
    private readonly s: ServerView,
    private readonly log: Logger,
  ) {}

  send(ev: HostEvent): void {
    if (this.ended || this.res.destroyed) return;
    const leader = this.s.leaderMember();
    const event = mesosEvent(ev, this, () => masterInfo(this.s.cluster_id, leader?.http_addr ?? ""));
    if (event === null) {
      // A state this framework did not opt into: it will never acknowledge it, so it is acknowledged here.
      if (ev.type === "UPDATE" && ev.status.uuid !== undefined) void this.s.frameworks.acknowledge(this.framework_id, ev.status.task_id, ev.status.uuid).catch(() => undefined);
      return;
    }
    if (this.res.writableLength > stream_buffer_bytes_max) {
      this.log.warn("framework stream cut: it reads slower than events come", { framework_id: this.framework_id, queued_bytes: this.res.writableLength });
      this.close();
      return;
    }
    this.res.write(encodeRecord(encodeEvent(event)));
  }

  close(last?: HostEvent): void {
    if (this.ended) return;
    if (last !== undefined) this.send(last);
    this.ended = true;
    if (!this.res.destroyed) this.res.end();
  }
}

function text(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const body = Buffer.from(message);
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": String(body.length), ...headers });
  res.end(body);
}

/** The leader's address for a 307, or null (then 503). */
function leaderAddr(s: ServerView): string | null {
  const m = s.leaderMember();
  return m === null || m.http_addr === "" ? null : m.http_addr;
}

/** Takes the request if it is a Mesos scheduler or redirect path (true), else leaves it to the next handler. */
export function mesosSchedulerHandler(s: ServerView, log: Logger): (req: IncomingMessage, res: ServerResponse) => boolean {
  const streams = new Map<string, Stream>();
  return (req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (path === "/master/redirect" || path === "/redirect") {
      const to = leaderAddr(s);
      if (to === null) text(res, 503, "No leading master");
      else text(res, 307, "", { location: `//${to}` });
      return true;
    }
    if (path !== scheduler_path) return false;
    void serve(s, log, streams, req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.end();
        return;
      }
      if (err instanceof HttpError) return text(res, err.status, err.message);
      if (err instanceof HostError) return text(res, err.status, err.message);
      const e = err as { status?: number; message?: string };
      text(res, typeof e.status === "number" && e.status >= 400 ? e.status : 500, e.message ?? String(err));
    });
    return true;
  };
}

async function serve(s: ServerView, log: Logger, streams: Map<string, Stream>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!s.isLeader()) {
    const to = leaderAddr(s);
    if (to === null) return text(res, 503, "No leading master");
    return text(res, 307, "", { location: `//${to}${scheduler_path}` });
  }
  const body = req.method === "POST" ? await readIncoming(req, scheduler_body_bytes_max, () => new HttpError(413, "body_too_large", `Request body is larger than ${scheduler_body_bytes_max} bytes`)) : new Uint8Array(0);
  const r = readCallRequest({ method: req.method ?? "", headers: req.headers, body });
  if (!r.ok) return text(res, r.status, r.message, r.headers);
  const call = r.call;
  if (call.type === "SUBSCRIBE") return subscribe(s, log, streams, call, req, res);
  const fid = call.framework_id.value;
  const known = s.fsm.frameworks.get(fid);
  const stream = streams.get(fid);
  if (known === undefined && s.fsm.frameworks.wasRemoved(fid) !== undefined) return text(res, 403, "Framework has been removed");
  const refusal = checkStream(call, r.stream_id, known === undefined ? undefined : { connected: stream !== undefined && s.frameworks.connected(fid), stream_id: stream?.stream_id });
  if (refusal !== null) return text(res, refusal.status, refusal.message);
  const ok = await dispatch(s, log, call);
  res.writeHead(ok, { "content-length": "0" });
  res.end();
}

async function subscribe(s: ServerView, log: Logger, streams: Map<string, Stream>, call: Extract<ValidCall, { type: "SUBSCRIBE" }>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const info = call.subscribe.framework_info;
  const record = frameworkRecordOf(info);
  const stream = new Stream(randomUUID(), res, s, log);
  stream.capabilities = capabilitiesOf(info);
  stream.multi_role = record.multi_role;
  const conn: FrameworkConnection = {
    send: (ev) => {
      if (!res.headersSent) open(res, stream.stream_id);
      if (ev.type === "SUBSCRIBED") stream.framework_id = ev.framework_id;
      stream.send(ev);
    },
    close: (last) => {
      if (!res.headersSent) open(res, stream.stream_id);
      stream.close(last);
    },
  };
  // As Mesos: a FrameworkInfo it refuses is a 200 stream carrying one ERROR event.
  const problem = frameworkProblem(info, call.subscribe.suppressed_roles ?? []);
  if (problem !== null) {
    conn.close({ type: "ERROR", message: problem });
    return;
  }
  let framework_id: string | undefined;
  let closed = false;
  res.on("close", () => {
    closed = true;
    stream.close();
    if (framework_id === undefined) return;
    if (streams.get(framework_id) === stream) streams.delete(framework_id);
    // The host matches the connection it holds: a stream it already replaced changes nothing.
    s.frameworks.disconnected(framework_id, conn);
  });
  try {
    framework_id = await s.frameworks.subscribe(
      { ...(info.id !== undefined ? { framework_id: info.id.value } : {}), info: record, ...(call.subscribe.suppressed_roles !== undefined ? { suppressed_roles: call.subscribe.suppressed_roles } : {}) },
      conn,
    );
  } catch (err) {
    // As Mesos: a subscription it refuses (a removed framework, a bad FrameworkInfo) is a stream with one ERROR event.
    if (!(err instanceof HostError) || err.status === 503 || res.headersSent) throw err;
    conn.close({ type: "ERROR", message: err.message });
    return;
  }
  if (closed) {
    s.frameworks.disconnected(framework_id, conn);
    return;
  }
  const previous = streams.get(framework_id);
  streams.set(framework_id, stream);
  if (previous !== undefined && previous !== stream) previous.close();
  req.socket.setNoDelay(true);
}

function open(res: ServerResponse, stream_id: string): void {
  res.writeHead(200, { "content-type": "application/json", "mesos-stream-id": stream_id, "cache-control": "no-cache", connection: "keep-alive" });
  res.flushHeaders();
}

/** Runs one call; the status to answer (202, or 200 for UPDATE_FRAMEWORK). */
async function dispatch(s: ServerView, log: Logger, call: Exclude<ValidCall, { type: "SUBSCRIBE" }>): Promise<number> {
  const fw = s.frameworks;
  const fid = call.framework_id.value;
  switch (call.type) {
    case "TEARDOWN":
      await fw.teardown(fid);
      return 202;
    case "ACCEPT": {
      const plan = planAccept(call.accept.operations ?? []);
      for (const d of plan.dropped) log.info("ACCEPT operation not supported", { framework_id: fid, detail: d });
      const launches: LaunchRequest[] = [];
      for (const refused of plan.refused) launches.push({ task_id: refused.task.task_id.value, node_id: refused.task.agent_id.value, error: refused.message });
      for (const task of plan.launch) {
        const t = translateTask(task, { task_id: "pending", host_ip: "0.0.0.0", env: { MESOS_ALLOCATION_ROLE: s.fsm.frameworks.get(fid)?.info.roles[0] ?? "*", MESOS_FRAMEWORK_ID: fid } });
        if (!t.ok) {
          launches.push({ task_id: task.task_id.value, node_id: task.agent_id.value, error: t.message });
          continue;
        }
        const { task_id: _placeholder, ...spec } = t.plan.spec;
        launches.push({
          task_id: task.task_id.value,
          name: task.name,
          node_id: task.agent_id.value,
          resources: { cpus: spec.cpus, memory_bytes: spec.memory_bytes, disk_bytes: t.plan.disk_bytes, ports: t.plan.host_ports.map((p): [number, number] => [p, p]) },
          spec: { ...spec, network: t.plan.network },
          grace_ms: t.plan.grace_ms,
          labels: (task.labels?.labels ?? []).map((l) => ({ key: l.key, value: l.value ?? "" })),
        });
      }
      await fw.accept(fid, (call.accept.offer_ids ?? []).map((o) => o.value), launches, refuseSeconds(call.accept.filters));
      return 202;
    }
    case "DECLINE":
      fw.decline(fid, (call.decline.offer_ids ?? []).map((o) => o.value), refuseSeconds(call.decline.filters));
      return 202;
    case "REVIVE":
      await fw.revive(fid, call.revive.roles ?? []);
      return 202;
    case "SUPPRESS":
      await fw.suppress(fid, call.suppress.roles ?? []);
      return 202;
    case "KILL":
      await fw.kill(fid, call.kill.task_id.value, call.kill.kill_policy !== undefined ? killGraceMs(call.kill.kill_policy, kill_grace_ms_default) : undefined);
      return 202;
    case "ACKNOWLEDGE":
      await fw.acknowledge(fid, call.acknowledge.task_id.value, toBase64(call.acknowledge.uuid));
      return 202;
    case "RECONCILE":
      await fw.reconcile(fid, (call.reconcile.tasks ?? []).map((t) => ({ task_id: t.task_id.value })));
      return 202;
    case "UPDATE_FRAMEWORK": {
      const problem = frameworkProblem(call.update_framework.framework_info, call.update_framework.suppressed_roles ?? []);
      if (problem !== null) throw new HostError(400, problem);
      await fw.update(fid, { info: frameworkRecordOf(call.update_framework.framework_info), ...(call.update_framework.suppressed_roles !== undefined ? { suppressed_roles: call.update_framework.suppressed_roles } : {}) });
      return 200;
    }
    case "REQUEST":
    case "ACCEPT_INVERSE_OFFERS":
    case "DECLINE_INVERSE_OFFERS":
      // Mesos's allocator ignores REQUEST; orch makes no inverse offers.
      return 202;
    case "MESSAGE":
    case "SHUTDOWN":
      throw new HostError(400, `${call.type} needs a custom executor; orch runs every task with its built-in Docker executor for now, so there is none to reach`);
    case "ACKNOWLEDGE_OPERATION_STATUS":
    case "RECONCILE_OPERATIONS":
      throw new HostError(400, `${call.type}: orch supports no offer operations but LAUNCH, so there are no operation statuses`);
    case "UNKNOWN":
      throw new HostError(400, "The 'UNKNOWN' call type is not implemented");
  }
}
