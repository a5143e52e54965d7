// Mesos's operator side on Node's request and response: GET /master/state (also /master/state.json,
// /state, /state.json) and POST /api/v1 (also /master/api/v1) with the read calls and SUBSCRIBE.
//
// Any server answers, from its own state after a linearizable read (ReadIndex): that state is as
// current as the leader's, the large state document is not funnelled through one server, and an
// operator stream on a follower outlives a leader failover. Mesos answers 307 from a non-leading
// master; a client that follows redirects gets the same answer either way.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../../log/logger.js";
import { getAgents, getFrameworks, getRoles, getState, getTasks, leaderInfo, versionInfo } from "../../mesos/operator-build.js";
import { readOperatorCall } from "../../mesos/operator-call.js";
import { encodeOperatorEvent, encodeOperatorResponse } from "../../mesos/operator-encode.js";
import { OperatorFeed } from "../../mesos/operator-feed.js";
import { masterState } from "../../mesos/master-state.js";
import { encodeJson } from "../../mesos/json-encode.js";
import { encodeRecord } from "../../mesos/recordio.js";
import type { OperatorEvent, OperatorResponse, ServedCallType } from "../../mesos/types-operator.js";
import { readIncoming } from "./body.js";
import { HttpError } from "./errors.js";
import { operatorInput } from "./mesos-operator-input.js";
import type { ServerView } from "./view.js";

const api_paths = new Set(["/api/v1", "/master/api/v1"]);
const state_paths = new Set(["/master/state", "/master/state.json", "/state", "/state.json"]);

/** Reported changes are told at most this often to the streams (each telling reads every task). */
const operator_flush_ms_min = 20;

/** Largest operator call body: the calls orch answers carry next to nothing. */
export const operator_body_bytes_max = 64 * 1024;

export interface OperatorOptions {
  /** Operator SUBSCRIBE streams open at once on this server; one more is refused with 503. */
  operator_streams_max: number;
  /** Bytes a stream may have queued unsent; a reader slower than that is cut off (it subscribes again). */
  operator_stream_buffer_bytes_max: number;
  /** HEARTBEAT events this often (Mesos: 15 s). */
  operator_heartbeat_ms: number;
  /**
   * How often open streams look for applied entries no listener reported: the state machine tells
   * listeners of orchestration changes, not of a task going from STARTING to RUNNING.
   */
  operator_poll_ms: number;
}

export const operator_defaults: OperatorOptions = {
  operator_streams_max: 64,
  operator_stream_buffer_bytes_max: 16 * 1024 * 1024,
  operator_heartbeat_ms: 15_000,
  operator_poll_ms: 200,
};

function text(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const body = Buffer.from(message);
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": String(body.length), ...headers });
  res.end(body);
}

function json(res: ServerResponse, body: string, content_type = "application/json"): void {
  const buf = Buffer.from(body, "utf8");
  res.writeHead(200, { "content-type": content_type, "content-length": String(buf.length) });
  res.end(buf);
}

/** A callback name a page may wrap the state in (Mesos's `jsonp`), nothing a script could abuse. */
const jsonp_name = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;
const jsonp_chars_max = 128;

/** Takes the request if it is an operator path (true), else leaves it to the next handler. */
export function mesosOperatorHandler(s: ServerView, log: Logger, options: Partial<OperatorOptions> = {}): (req: IncomingMessage, res: ServerResponse) => boolean {
  const opts = { ...operator_defaults, ...options };
  const start_ms = Date.now();
  const streams = new OperatorStreams(s, log, opts, start_ms);
  return (req, res) => {
    const url = req.url ?? "";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const serve = api_paths.has(path) ? () => api(s, streams, start_ms, req, res) : state_paths.has(path) ? () => state(s, start_ms, url.slice(q < 0 ? url.length : q + 1), req, res) : undefined;
    if (serve === undefined) return false;
    void serve().catch((err: unknown) => {
      if (res.headersSent) {
        res.end();
        return;
      }
      const e = err as { status?: number; message?: string };
      const status = typeof e.status === "number" && e.status >= 400 && e.status < 600 ? e.status : 500;
      text(res, status, e.message ?? String(err));
    });
    return true;
  };
}

/** Waits until this server has applied everything committed before the request came (or throws 503). */
async function readCurrent(s: ServerView): Promise<void> {
  const why = s.notReady();
  if (why !== null) throw new HttpError(503, "no_leader", `No leader elected (${why})`);
  await s.node.linearizableRead();
}

async function state(s: ServerView, start_ms: number, query: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") return text(res, 405, `405 Method Not Allowed. Expecting one of { 'GET' }, but received '${req.method}'`, { allow: "GET, HEAD" });
  const callback = new URLSearchParams(query).get("jsonp");
  if (callback !== null && (callback.length > jsonp_chars_max || !jsonp_name.test(callback))) {
    return text(res, 400, `'jsonp' must be a JavaScript function name (letters, digits, _ and $, dotted; at most ${jsonp_chars_max} characters)`);
  }
  await readCurrent(s);
  const body = encodeJson(masterState(operatorInput(s, start_ms)));
  if (callback === null) return json(res, body);
  json(res, `${callback}(${body});`, "text/javascript");
}

async function api(s: ServerView, streams: OperatorStreams, start_ms: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const declared = Number(req.headers["content-length"] ?? "NaN");
  const tooLarge = (): HttpError => new HttpError(413, "body_too_large", `Request body is larger than ${operator_body_bytes_max} bytes`);
  if (declared > operator_body_bytes_max) throw tooLarge();
  const body = req.method === "POST" ? await readIncoming(req, operator_body_bytes_max, tooLarge) : new Uint8Array(0);
  const r = readOperatorCall({ method: req.method ?? "", headers: req.headers, body });
  if (!r.ok) return text(res, r.status, r.message, r.headers);
  await readCurrent(s);
  if (r.type === "SUBSCRIBE") return streams.open(req, res);
  json(res, encodeOperatorResponse(answer(r.type, s, start_ms)));
}

function answer(type: Exclude<ServedCallType, "SUBSCRIBE">, s: ServerView, start_ms: number): OperatorResponse {
  const input = operatorInput(s, start_ms);
  switch (type) {
    case "GET_HEALTH":
      return { type, get_health: { healthy: s.node.failed === undefined } };
    case "GET_VERSION":
      return { type, get_version: { version_info: versionInfo(input.master.orch_version) } };
    case "GET_MASTER": {
      if (input.master.leader === null) throw new HttpError(503, "no_leader", "No leader elected");
      return { type, get_master: { master_info: leaderInfo(input.master.leader), start_time: start_ms / 1000 } };
    }
    case "GET_STATE":
      return { type, get_state: getState(input) };
    case "GET_AGENTS":
      return { type, get_agents: getAgents(input) };
    case "GET_FRAMEWORKS":
      return { type, get_frameworks: getFrameworks(input) };
    case "GET_EXECUTORS":
      // Every orch task runs under the agent's built-in executor: there are no executors to list.
      return { type, get_executors: { executors: [] } };
    case "GET_TASKS":
      return { type, get_tasks: getTasks(input) };
    case "GET_ROLES":
      return { type, get_roles: { roles: getRoles(input) } };
  }
}

/** One open operator SUBSCRIBE. */
interface Stream {
  res: ServerResponse;
  closed: boolean;
}

/**
 * The open operator streams of this server and the one feed they share. The feed runs after every
 * change the state machine reports and every `operator_poll_ms` when entries were applied since
 * it last ran; it lives only while a stream is open.
 */
class OperatorStreams {
  private readonly streams = new Set<Stream>();
  private feed: OperatorFeed | undefined;
  private poll: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private scheduled = false;
  private fed_index = -1;
  private flushed_at_ms = 0;

  constructor(
    private readonly s: ServerView,
    private readonly log: Logger,
    private readonly opts: OperatorOptions,
    private readonly start_ms: number,
  ) {
    const wake = (): void => this.schedule();
    s.fsm.onChange(wake);
    s.fsm.onFrameworkUpdate(wake);
  }

  open(req: IncomingMessage, res: ServerResponse): void {
    if (this.streams.size >= this.opts.operator_streams_max) {
      return text(res, 503, `this server already serves ${this.streams.size} operator subscriptions (operator_streams_max): subscribe on another server or close one`);
    }
    // Events not yet sent go to the open streams first: the new stream's SUBSCRIBED is the state after them.
    const input = this.flush() ?? operatorInput(this.s, this.start_ms);
    this.feed ??= new OperatorFeed(input);
    this.fed_index = this.s.fsm.applied_index;
    const stream: Stream = { res, closed: false };
    this.streams.add(stream);
    res.on("close", () => {
      stream.closed = true;
      this.streams.delete(stream);
      if (this.streams.size === 0) this.idle();
    });
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-cache", connection: "keep-alive" });
    res.flushHeaders();
    req.socket.setNoDelay(true);
    const heartbeat_interval_seconds = this.opts.operator_heartbeat_ms / 1000;
    this.write(stream, encodeRecord(encodeOperatorEvent({ type: "SUBSCRIBED", subscribed: { get_state: getState(input), heartbeat_interval_seconds } })));
    this.write(stream, encodeRecord(encodeOperatorEvent({ type: "HEARTBEAT" })));
    if (this.poll === undefined) {
      this.poll = setInterval(() => this.tick(), this.opts.operator_poll_ms);
      this.heartbeat = setInterval(() => this.broadcast([{ type: "HEARTBEAT" }]), this.opts.operator_heartbeat_ms);
    }
  }

  private schedule(): void {
    if (this.feed === undefined || this.scheduled) return;
    this.scheduled = true;
    // After the entry being applied (and the rest of its batch: listeners run inside apply), and
    // not more often than operator_flush_ms_min: each run reads every task.
    const wait_ms = Math.max(0, this.flushed_at_ms + operator_flush_ms_min - Date.now());
    setTimeout(() => {
      this.scheduled = false;
      this.flush();
    }, wait_ms);
  }

  private tick(): void {
    if (this.s.stopping()) {
      for (const st of [...this.streams]) this.end(st);
      return;
    }
    if (this.s.fsm.applied_index !== this.fed_index) this.flush();
  }

  /** Runs the feed and sends what it found; the input it read, or undefined when no stream is open. */
  private flush(): ReturnType<typeof operatorInput> | undefined {
    if (this.feed === undefined) return undefined;
    const input = operatorInput(this.s, this.start_ms);
    this.fed_index = this.s.fsm.applied_index;
    this.flushed_at_ms = Date.now();
    this.broadcast(this.feed.diff(input));
    return input;
  }

  private broadcast(events: readonly OperatorEvent[]): void {
    for (const ev of events) {
      const record = encodeRecord(encodeOperatorEvent(ev));
      for (const st of this.streams) this.write(st, record);
    }
  }

  private write(st: Stream, record: Buffer): void {
    if (st.closed || st.res.destroyed) return;
    if (st.res.writableLength > this.opts.operator_stream_buffer_bytes_max) {
      this.log.warn("operator stream cut: it reads slower than events come", { queued_bytes: st.res.writableLength });
      this.end(st);
      return;
    }
    st.res.write(record);
  }

  private end(st: Stream): void {
    st.closed = true;
    this.streams.delete(st);
    if (!st.res.destroyed) st.res.end();
    if (this.streams.size === 0) this.idle();
  }

  private idle(): void {
    clearInterval(this.poll);
    clearInterval(this.heartbeat);
    this.poll = undefined;
    this.heartbeat = undefined;
    this.feed = undefined;
  }
}
