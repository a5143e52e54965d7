// A simulated client: one op at a time and a final deadline. A read is retried after a silent
// attempt; a write only when a server refused it outright, since orch's key-value API has no
// sessions and a write retried after a timeout could take effect twice.
import type { KvInput, KvOutput } from "../lincheck/history.js";
import type { HistoryRecorder } from "./history_recorder.js";
import type { Prng } from "./prng.js";
import type { ClientReply, ClientRequest, SimPayload } from "./protocol.js";

export interface ClientTimings {
  /** Wait this long for an answer before trying again, maybe at another server. */
  readonly attemptTimeoutTicks: number;
  /** Give up on the op after this long: it is then indeterminate. */
  readonly opDeadlineTicks: number;
  readonly maxThinkTicks: number;
}

export interface ClientEnv {
  nowTick(): number;
  /** A fine-grained clock for history times: strictly increasing across the run. */
  nowTime(): number;
  send(from: number, to: number, payload: SimPayload): void;
  /** Servers a client may contact now. */
  servers(): readonly number[];
  /** An acknowledged write, where it was applied and the command text expected there; checked for loss at the end. */
  onAcknowledged(clientId: number, seq: number, index: number, expect: string): void;
}

interface InFlight {
  readonly opId: number;
  readonly request: ClientRequest;
  readonly deadlineTick: number;
  nextAttemptTick: number;
  target: number;
}

/** What the client last saw of a key: the value and the index that wrote it (0 when absent). */
interface Seen {
  readonly value: string | null;
  readonly index: number;
}

export class SimClient {
  private inFlight: InFlight | null = null;
  private nextOpTick = 0;
  private seq = 0;
  private leaderGuess = 0;
  /** The last value this client saw or wrote per key: what its cas expects. */
  private readonly lastSeen = new Map<string, Seen>();
  completedCount = 0;
  abandonedCount = 0;

  constructor(
    readonly id: number,
    private readonly prng: Prng,
    private readonly keys: readonly string[],
    private readonly timings: ClientTimings,
    private readonly recorder: HistoryRecorder,
  ) {}

  get busy(): boolean {
    return this.inFlight !== null;
  }

  /** Starts ops (unless `issuing` is false), and retries or abandons overdue ones. */
  onTick(env: ClientEnv, issuing: boolean): void {
    const now = env.nowTick();
    const op = this.inFlight;
    if (op === null) {
      if (issuing && now >= this.nextOpTick) this.startOp(env);
      return;
    }
    if (now >= op.deadlineTick) {
      this.recorder.abandon(op.opId);
      this.abandonedCount += 1;
      this.finish(now);
      return;
    }
    if (now >= op.nextAttemptTick) this.attempt(env, op);
  }

  onReply(env: ClientEnv, reply: ClientReply): void {
    const op = this.inFlight;
    // Any attempt's answer for the current op will do; older ops were already settled.
    if (op === null || reply.seq !== op.request.seq) return;
    const result = reply.result;
    if (result.kind === "rejected") {
      if (result.leaderHint !== 0) this.leaderGuess = result.leaderHint;
      // Nothing was proposed: retry soon, at the hinted leader if there is one.
      op.nextAttemptTick = env.nowTick() + 1 + this.prng.int(3);
      return;
    }
    if (result.kind === "unknown") {
      this.recorder.abandon(op.opId);
      this.abandonedCount += 1;
      this.finish(env.nowTick());
      return;
    }
    const input = op.request.op;
    if (result.output.kind !== input.kind) {
      throw new Error(`sim: client ${this.id} asked ${input.kind} but got a ${result.output.kind} answer`);
    }
    this.recorder.complete(op.opId, result.output, env.nowTime());
    this.remember(input, result.output, result.modifyIndex);
    if (input.kind !== "get" && result.logIndex > 0) env.onAcknowledged(this.id, op.request.seq, result.logIndex, expectedCommand(op.request));
    this.completedCount += 1;
    this.finish(env.nowTick());
  }

  private startOp(env: ClientEnv): void {
    this.seq += 1;
    const input = this.randomInput();
    const opId = this.recorder.call(this.id, input, env.nowTime());
    const casIndex = input.kind === "cas" && input.expected !== null ? (this.lastSeen.get(input.key)?.index ?? 0) : 0;
    const request: ClientRequest = { kind: "request", clientId: this.id, seq: this.seq, op: input, casIndex };
    const op: InFlight = {
      opId,
      request,
      deadlineTick: env.nowTick() + this.timings.opDeadlineTicks,
      nextAttemptTick: env.nowTick(),
      target: 0,
    };
    this.inFlight = op;
    this.attempt(env, op);
  }

  private attempt(env: ClientEnv, op: InFlight): void {
    const servers = env.servers();
    if (servers.length === 0) return;
    // Follow a hint once; after a timeout, try someone else.
    const guess = this.leaderGuess;
    op.target = servers.includes(guess) && guess !== op.target ? guess : this.prng.pick(servers);
    this.leaderGuess = 0;
    // A write once sent may take effect: it is never sent again unless a server refuses it.
    op.nextAttemptTick = op.request.op.kind === "get" ? env.nowTick() + this.timings.attemptTimeoutTicks : Number.POSITIVE_INFINITY;
    env.send(this.id, op.target, op.request);
  }

  private finish(nowTick: number): void {
    this.inFlight = null;
    this.nextOpTick = nowTick + this.prng.int(this.timings.maxThinkTicks + 1);
  }

  private randomInput(): KvInput {
    const key = this.prng.pick(this.keys);
    const value = `c${this.id}.${this.seq}`;
    const roll = this.prng.int(20);
    if (roll < 8) return { kind: "get", key };
    if (roll < 14) return { kind: "put", key, value };
    if (roll < 15) return { kind: "del", key };
    // Values are unique per write, so the index that wrote a value names it: cas by index is cas by value.
    const expected = this.prng.chance(0.8) ? (this.lastSeen.get(key)?.value ?? null) : null;
    return { kind: "cas", key, expected, value };
  }

  private remember(input: KvInput, output: KvOutput, modifyIndex: number): void {
    if (output.kind === "get") this.lastSeen.set(input.key, { value: output.value, index: modifyIndex });
    else if (input.kind === "put") this.lastSeen.set(input.key, { value: input.value, index: modifyIndex });
    else if (input.kind === "del") this.lastSeen.set(input.key, { value: null, index: 0 });
    else if (input.kind === "cas" && output.kind === "cas" && output.ok) this.lastSeen.set(input.key, { value: input.value, index: modifyIndex });
  }
}

/** The command text (traced_fsm.ts's describeCommand) an acknowledged write must have at its index. */
function expectedCommand(request: ClientRequest): string {
  const op = request.op;
  if (op.kind === "put") return `put ${op.key}=${op.value}`;
  if (op.kind === "cas") return `put ${op.key}=${op.value} cas=${request.casIndex}`;
  return `del ${op.key}`;
}
