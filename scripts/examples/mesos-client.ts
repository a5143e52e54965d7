// A minimal Mesos v1 scheduler HTTP API client, written from Apache Mesos's published docs
// (docs/scheduler-http-api.md, docs/recordio.md) and nothing of orch: it works against any
// Mesos master. SUBSCRIBE opens a RecordIO stream of JSON events; every other call is a POST
// carrying the Mesos-Stream-Id. A 307 names the leading master (Location: //host:port/path).
import http from "node:http";

/** The parts of an Offer a simple framework reads (mesos.proto Offer). */
export interface OfferJson {
  id: { value: string };
  agent_id: { value: string };
  resources: { name: string; scalar?: { value: number } }[];
}

/** The parts of a TaskStatus a simple framework reads (mesos.proto TaskStatus). */
export interface StatusJson {
  task_id: { value: string };
  state: string;
  reason?: string;
  message?: string;
}

/** One JSON event as the master sent it. */
export type MesosEvent = { type: string } & Record<string, unknown>;

/** Tries of one SUBSCRIBE (redirects followed, masters tried, 503s waited out) before giving up. */
const redirects_max = 20;
/** Largest RecordIO record read (an OFFERS event of a big cluster fits). */
const record_bytes_max = 64 * 1024 * 1024;

export interface CallAnswer {
  status: number;
  body: string;
  location?: string;
}

/** Bound on one call's answer unless the client is told otherwise. */
const call_timeout_ms_default = 10_000;

function request(addr: string, body: string, headers: Record<string, string>, onResponse?: (res: http.IncomingMessage) => void, timeout_ms = call_timeout_ms_default): Promise<CallAnswer> {
  const [host, port] = [addr.slice(0, addr.lastIndexOf(":")), Number(addr.slice(addr.lastIndexOf(":") + 1))];
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, method: "POST", path: "/api/v1/scheduler", headers: { "content-type": "application/json", ...headers } }, (res) => {
      if (res.statusCode === 200 && onResponse !== undefined) {
        // A subscription stream is idle between heartbeats: no request timeout on it.
        req.setTimeout(0);
        onResponse(res);
        resolve({ status: 200, body: "" });
        return;
      }
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, ...(res.headers.location !== undefined ? { location: res.headers.location } : {}) }));
    });
    req.setTimeout(timeout_ms, () => req.destroy(new Error(`no answer from ${addr} in ${timeout_ms / 1000} s`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** "//host:port/api/v1/scheduler" → "host:port". */
function addrOf(location: string): string {
  return location.replace(/^(https?:)?\/\//, "").split("/")[0]!;
}

export class MesosScheduler {
  /** The leading master this client talks to (follows 307s). */
  master: string;
  framework_id: string | undefined;
  stream_id: string | undefined;
  /** Every event received, unless constructed with `{ keep_events: false }` (a long-lived framework). */
  readonly events: MesosEvent[] = [];
  private stream: http.IncomingMessage | undefined;
  /** Listeners get the event and when its last byte arrived (performance.now(), before parsing). */
  private listeners: ((e: MesosEvent, received_ms: number) => void)[] = [];
  /** Set when the stream ended (the master closed it, or the connection broke). */
  ended = false;

  private readonly masters: string[];
  private readonly keep_events: boolean;
  private readonly call_timeout_ms: number;

  constructor(
    masters: string,
    private readonly framework_info: Record<string, unknown>,
    options: { keep_events?: boolean; call_timeout_ms?: number } = {},
  ) {
    this.keep_events = options.keep_events ?? true;
    this.call_timeout_ms = options.call_timeout_ms ?? call_timeout_ms_default;
    this.masters = masters.split(",").map((m) => m.trim()).filter((m) => m !== "");
    this.master = this.masters[0]!;
  }

  onEvent(f: (e: MesosEvent, received_ms: number) => void): void {
    this.listeners.push(f);
  }

  /** SUBSCRIBE (again, with the framework id when it has one); resolves on SUBSCRIBED. */
  async subscribe(extra: Record<string, unknown> = {}): Promise<string> {
    const info = { ...this.framework_info, ...(this.framework_id !== undefined ? { id: { value: this.framework_id } } : {}) };
    const body = JSON.stringify({ type: "SUBSCRIBE", ...(this.framework_id !== undefined ? { framework_id: { value: this.framework_id } } : {}), subscribe: { framework_info: info, ...extra } });
    this.ended = false;
    for (let hop = 0; hop <= redirects_max; hop++) {
      const subscribed = new Promise<string>((resolve, reject) => {
        const off = (e: MesosEvent): void => {
          if (e.type === "SUBSCRIBED") resolve((e["subscribed"] as { framework_id: { value: string } }).framework_id.value);
          if (e.type === "ERROR") reject(new Error((e["error"] as { message: string }).message));
        };
        this.listeners.push(off);
      });
      let a: CallAnswer;
      try {
        a = await request(this.master, body, { accept: "application/json" }, (res) => this.read(res));
      } catch (err) {
        // That master is gone: ask the next one (it answers, or redirects to the leader).
        this.master = this.masters[(this.masters.indexOf(this.master) + 1) % this.masters.length]!;
        if (hop === redirects_max) throw err;
        continue;
      }
      if (a.status === 307 && a.location !== undefined) {
        this.master = addrOf(a.location);
        continue;
      }
      if (a.status === 503) {
        // No leader yet (an election is under way).
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (a.status !== 200) throw new Error(`SUBSCRIBE answered ${a.status}: ${a.body}`);
      this.framework_id = await subscribed;
      return this.framework_id;
    }
    throw new Error(`more than ${redirects_max} redirects`);
  }

  /** Any call but SUBSCRIBE; the answer's status and body. */
  async call(type: string, body: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<CallAnswer> {
    const text = JSON.stringify({ type, framework_id: { value: this.framework_id }, ...body });
    return request(this.master, text, { ...(this.stream_id !== undefined ? { "mesos-stream-id": this.stream_id } : {}), ...headers }, undefined, this.call_timeout_ms);
  }

  /** The next event matching `pred` (already received or still to come), within timeout_ms. */
  next(pred: (e: MesosEvent) => boolean, timeout_ms = 20_000, from = 0): Promise<MesosEvent> {
    const have = this.events.slice(from).find(pred);
    if (have !== undefined) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const seen = (): string =>
        this.events
          .filter((e) => e.type !== "HEARTBEAT")
          .map((e) => (e.type === "UPDATE" ? `UPDATE ${JSON.stringify((e["update"] as { status: unknown }).status)}` : e.type))
          .join("\n  ");
      const timer = setTimeout(() => reject(new Error(`no matching event in ${timeout_ms} ms; got (heartbeats left out):\n  ${seen()}`)), timeout_ms);
      const f = (e: MesosEvent): void => {
        if (!pred(e)) return;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((x) => x !== f);
        resolve(e);
      };
      this.listeners.push(f);
    });
  }

  /** Acknowledges an UPDATE that carries a uuid (what every framework must do). */
  async acknowledge(e: MesosEvent): Promise<CallAnswer | undefined> {
    const status = (e["update"] as { status: { uuid?: string; agent_id: unknown; task_id: unknown } } | undefined)?.status;
    if (status?.uuid === undefined) return undefined;
    return this.call("ACKNOWLEDGE", { acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid } });
  }

  close(): void {
    this.stream?.destroy();
  }

  /** RecordIO: "<decimal length>\n<record>", the length counting bytes. */
  private read(res: http.IncomingMessage): void {
    this.stream = res;
    this.stream_id = String(res.headers["mesos-stream-id"] ?? "");
    let buf = Buffer.alloc(0);
    // Chunks of a large record are joined once it is complete, not on every chunk (quadratic for MiBs).
    let parts: Buffer[] = [];
    let parts_bytes = 0;
    let need_bytes = 0;
    res.on("data", (chunk: Buffer) => {
      const received_ms = performance.now();
      if (parts_bytes + chunk.length < need_bytes) {
        parts.push(chunk);
        parts_bytes += chunk.length;
        return;
      }
      buf = parts.length === 0 ? Buffer.concat([buf, chunk]) : Buffer.concat([...parts, chunk]);
      parts = [];
      parts_bytes = 0;
      need_bytes = 0;
      for (;;) {
        const nl = buf.indexOf(0x0a);
        if (nl < 0) break;
        const length = Number(buf.subarray(0, nl).toString("ascii"));
        if (!Number.isSafeInteger(length) || length <= 0 || length > record_bytes_max) {
          res.destroy(new Error(`bad RecordIO length ${JSON.stringify(buf.subarray(0, Math.min(nl, 20)).toString())}`));
          return;
        }
        if (buf.length < nl + 1 + length) {
          need_bytes = nl + 1 + length;
          parts = [buf];
          parts_bytes = buf.length;
          buf = Buffer.alloc(0);
          break;
        }
        const e = JSON.parse(buf.subarray(nl + 1, nl + 1 + length).toString("utf8")) as MesosEvent;
        buf = buf.subarray(nl + 1 + length);
        if (e.type === "SUBSCRIBED") this.framework_id = (e["subscribed"] as { framework_id: { value: string } }).framework_id.value;
        if (this.keep_events) this.events.push(e);
        for (const l of [...this.listeners]) l(e, received_ms);
      }
    });
    const end = (): void => {
      if (this.stream === res) this.ended = true;
    };
    res.on("end", end);
    res.on("close", end);
    res.on("error", end);
  }
}
