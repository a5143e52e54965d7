// Key-value clients on the host: gets, puts, compare-and-set and deletes, each recorded for the checker.
import { performance } from "node:perf_hooks";
import type { KvInput, KvOutput, Operation } from "../../test/lincheck/index.js";
import { call, type Reply } from "./http.js";
import type { Prng } from "./prng.js";

export const kv_clients = 4;
export const kv_key_slots = 8;
/** A key retires after this many ops, so each key's sub-history stays small enough to search. */
export const kv_ops_per_key_max = 100;
/**
 * A key also retires after this many indeterminate writes: each one may or may not have
 * happened, and the checker's search grows with every such pair on one key.
 */
export const kv_indeterminate_per_key_max = 8;
/** Bound on the recorded history (about 100 bytes an op in memory). */
export const kv_history_ops_max = 2_000_000;

export interface KvCounts {
  acknowledged: number; // a definite answer (including a cas that did not swap)
  failed: number; // no answer, and nothing could have happened (reads; writes refused a connection)
  indeterminate: number; // no definite answer to a write: it may or may not have happened
}

interface Known {
  value: string | null;
  modify_index: number;
}

export class KvWorkload {
  readonly history: Operation[] = [];
  readonly counts: KvCounts = { acknowledged: 0, failed: 0, indeterminate: 0 };
  readonly unknownReasons = new Map<string, number>();
  readonly keysUsed = new Set<string>();
  private readonly generation: number[] = new Array<number>(kv_key_slots).fill(0);
  private readonly opsOnSlot: number[] = new Array<number>(kv_key_slots).fill(0);
  private readonly unknownOnKey = new Map<string, number>();
  private stopping = false;
  private nextId = 0;
  private running: Promise<void>[] = [];

  constructor(
    private readonly addrs: readonly string[],
    private readonly rng: Prng,
  ) {}

  start(): void {
    for (let c = 0; c < kv_clients; c++) this.running.push(this.client(c, this.rng.fork()));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running);
  }

  private keyFor(slot: number): string {
    this.opsOnSlot[slot] = (this.opsOnSlot[slot] ?? 0) + 1;
    const current = `chaos/k${slot}-g${this.generation[slot] ?? 0}`;
    if (this.opsOnSlot[slot]! > kv_ops_per_key_max || (this.unknownOnKey.get(current) ?? 0) >= kv_indeterminate_per_key_max) {
      this.generation[slot] = (this.generation[slot] ?? 0) + 1;
      this.opsOnSlot[slot] = 1;
    }
    const key = `chaos/k${slot}-g${this.generation[slot] ?? 0}`;
    this.keysUsed.add(key);
    return key;
  }

  private async client(clientId: number, rng: Prng): Promise<void> {
    const known = new Map<string, Known>();
    let seq = 0;
    while (!this.stopping && this.history.length < kv_history_ops_max) {
      const key = this.keyFor(rng.int(0, kv_key_slots - 1));
      const addr = rng.pick(this.addrs);
      const kind = rng.weighted([["get", 40], ["put", 25], ["cas", 30], ["del", 5]] as const);
      const value = `c${clientId}-${seq++}`;
      if (kind === "get") {
        const r = await this.get(clientId, addr, key);
        if (r !== undefined) known.set(key, r);
      } else if (kind === "put") {
        await this.write(clientId, addr, { kind: "put", key, value }, "PUT", "");
        known.delete(key);
      } else if (kind === "del") {
        await this.write(clientId, addr, { kind: "del", key }, "DELETE", "");
        known.delete(key);
      } else {
        let k = known.get(key);
        if (k === undefined) {
          k = await this.get(clientId, addr, key);
          if (k === undefined) continue;
        }
        await this.write(clientId, addr, { kind: "cas", key, expected: k.value, value }, "PUT", `?cas=${k.modify_index}`);
        known.delete(key);
      }
    }
  }

  /** A linearizable read; undefined when it got no answer (then it is left out: it changed nothing). */
  async get(clientId: number, addr: string, key: string): Promise<Known | undefined> {
    const callTime = performance.now();
    const r = await call(addr, "GET", `/v1/kv/${key}`);
    const returnTime = performance.now();
    let known: Known;
    if (r.kind === "ok") known = { value: r.body, modify_index: Number(r.headers.get("x-orch-modify-index") ?? "NaN") };
    else if (r.kind === "refused" && r.status === 404) known = { value: null, modify_index: 0 };
    else {
      this.counts.failed++;
      this.noteUnknown(r);
      return undefined;
    }
    this.counts.acknowledged++;
    this.record(clientId, callTime, returnTime, { kind: "get", key }, { kind: "get", value: known.value });
    return known;
  }

  private async write(clientId: number, addr: string, input: KvInput, method: string, query: string): Promise<void> {
    const callTime = performance.now();
    const r = await call(addr, method, `/v1/kv/${input.key}${query}`, input.kind === "put" || input.kind === "cas" ? input.value : undefined);
    const returnTime = performance.now();
    let output: KvOutput | null;
    if (r.kind === "ok") {
      output = input.kind === "cas" ? { kind: "cas", ok: true } : { kind: input.kind } as KvOutput;
    } else if (r.kind === "refused" && r.status === 409 && input.kind === "cas") {
      output = { kind: "cas", ok: false };
    } else if (r.kind === "refused" && r.status === 404 && input.kind === "del") {
      output = { kind: "del" }; // deleting an absent key leaves it absent, as the model's del does
    } else {
      // A 4xx we did not expect is a definite "no", but nothing in the model says no: keep it indeterminate
      // so it cannot hide a bug, and count it to show it happened.
      output = null;
    }
    if (output === null && r.kind === "unknown" && (r.reason === "ECONNREFUSED" || definitelyNotApplied(r.reason))) {
      // Nothing listened, so no request was sent; or the server promised the write is in no log
      // (503 not_applied / no_leader). Left out of the history, so if that promise were broken, a
      // later read would see a value no recorded write produced and the linearizability check fails.
      this.counts.failed++;
      this.noteUnknown(r);
      return;
    }
    if (output === null) {
      this.counts.indeterminate++;
      this.unknownOnKey.set(input.key, (this.unknownOnKey.get(input.key) ?? 0) + 1);
      this.noteUnknown(r);
      this.record(clientId, callTime, null, input, null);
    } else {
      this.counts.acknowledged++;
      this.record(clientId, callTime, returnTime, input, output);
    }
  }

  private noteUnknown(r: Reply): void {
    const why = r.kind === "unknown" ? r.reason : `HTTP ${r.status}`;
    this.unknownReasons.set(why, (this.unknownReasons.get(why) ?? 0) + 1);
  }

  private record(clientId: number, callTime: number, returnTime: number | null, input: KvInput, output: KvOutput | null): void {
    this.history.push({ id: this.nextId++, clientId, callTime, returnTime, input, output });
  }
}

/** A 503 whose code promises the write was not applied and never will be (README, API notes). */
function definitelyNotApplied(reason: string): boolean {
  return reason === "HTTP 503 not_applied" || reason === "HTTP 503 no_leader";
}
