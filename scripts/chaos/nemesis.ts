// The nemesis: one fault at a time, chosen from the seed, held for a while, then healed.
import { rm, statfs } from "node:fs/promises";
import path from "node:path";
import { currentLeader, waitLeader } from "./cluster_view.js";
import type { PrivateEngine } from "./engine.js";
import { call } from "./http.js";
import { cut, dropFrom, heal, type NetNode } from "./net.js";
import type { Prng } from "./prng.js";
import type { Processes } from "./procs.js";
import { sh, sleep } from "./sh.js";

export const fault_kinds = [
  "kill-server",
  "kill-leader",
  "pause-server",
  "pause-leader",
  "partition-halves",
  "partition-isolate-leader",
  "partition-one-way",
  "partition-bridge",
  "kill-agent",
  "restart-engine",
  "disk-full",
] as const;
export type FaultKind = (typeof fault_kinds)[number];

/** Relative odds of each fault. */
const fault_weights: Record<FaultKind, number> = {
  "kill-server": 3,
  "kill-leader": 3,
  "pause-server": 2,
  "pause-leader": 2,
  "partition-halves": 2,
  "partition-isolate-leader": 2,
  "partition-one-way": 2,
  "partition-bridge": 2,
  "kill-agent": 2,
  "restart-engine": 1,
  "disk-full": 1,
};

/** Bound on the cluster electing a leader after a fault heals; longer counts as a liveness failure. */
export const recovery_timeout_ms = 30_000;
/** Longer than the default election timeout (1 s, randomised up to 2 s). */
const pause_ms_min = 2_500;
const pause_ms_max = 6_000;
const hold_ms_min = 2_000;
const hold_ms_max = 8_000;
const gap_ms_min = 1_000;
const gap_ms_max = 4_000;

export interface FaultEvent {
  kind: FaultKind;
  target: string;
  at_s: number;
  hold_ms: number;
  note: string;
}

export interface NemesisOptions {
  enabled: ReadonlySet<FaultKind>;
  diskServer: string | undefined;
}

export class Nemesis {
  readonly events: FaultEvent[] = [];
  readonly slowRecoveries: string[] = [];
  readonly diskFullObservations: string[] = [];
  diskFullExits = 0;
  private stopping = false;
  private running: Promise<void> | undefined;
  private readonly t0 = Date.now();

  constructor(
    private readonly rng: Prng,
    private readonly procs: Processes,
    private readonly nodes: ReadonlyMap<string, NetNode>,
    private readonly addrs: ReadonlyMap<string, string>,
    private readonly engine: PrivateEngine,
    private readonly options: NemesisOptions,
    private readonly say: (line: string) => void,
  ) {}

  start(): void {
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.events) out[e.kind] = (out[e.kind] ?? 0) + 1;
    return out;
  }

  private async loop(): Promise<void> {
    const kinds = fault_kinds.filter((k) => this.options.enabled.has(k) && (k !== "disk-full" || this.options.diskServer !== undefined));
    if (kinds.length === 0) return;
    // Bound: one fault takes at least gap_ms_min, so no run reaches this many.
    for (let i = 0; i < 100_000 && !this.stopping; i++) {
      await this.idle(this.rng.int(gap_ms_min, gap_ms_max));
      if (this.stopping) break;
      this.supervise();
      const kind = this.rng.weighted(kinds.map((k) => [k, fault_weights[k]] as const));
      const hold_ms = kind.startsWith("pause") ? this.rng.int(pause_ms_min, pause_ms_max) : this.rng.int(hold_ms_min, hold_ms_max);
      // Draw every random choice before touching the cluster, so the schedule depends on the seed alone.
      const choice = this.rng.next();
      const shuffle = this.rng.shuffle([...this.nodes.keys()]);
      const at_s = Math.round((Date.now() - this.t0) / 100) / 10;
      const event: FaultEvent = { kind, target: "", at_s, hold_ms, note: "" };
      try {
        await this.inject(event, choice, shuffle);
      } catch (err) {
        event.note += ` inject error: ${err instanceof Error ? err.message : String(err)}`;
      }
      this.events.push(event);
      this.say(`t=${at_s}s fault ${kind} ${event.target} for ${hold_ms} ms${event.note !== "" ? ` (${event.note.trim()})` : ""}`);
      const leader = await waitLeader(this.addrs, recovery_timeout_ms);
      if (leader === undefined) this.slowRecoveries.push(`no leader within ${recovery_timeout_ms} ms after ${kind} ${event.target} at t=${at_s}s`);
    }
  }

  /**
   * Like a supervisor, starts again any process that died by itself (its exit stays recorded
   * and fails a check), so one crash does not leave the rest of the run without that process.
   */
  private supervise(): void {
    for (const name of [...this.procs.servers.keys(), ...this.procs.agents.keys()]) {
      if (this.procs.running(name)) continue;
      this.say(`${name} is not running (it exited by itself); starting it again`);
      this.procs.start(name);
    }
  }

  private async idle(ms: number): Promise<void> {
    for (let waited = 0; waited < ms && !this.stopping; waited += 100) await sleep(100);
  }

  private serverNames(): string[] {
    return [...this.nodes.keys()];
  }

  private async leaderOr(choice: number): Promise<string> {
    const names = this.serverNames();
    return (await currentLeader(this.addrs)) ?? names[Math.floor(choice * names.length)]!;
  }

  private async inject(e: FaultEvent, choice: number, shuffle: string[]): Promise<void> {
    const names = this.serverNames();
    const pickServer = (): string => names[Math.floor(choice * names.length)]!;
    switch (e.kind) {
      case "kill-server":
      case "kill-leader": {
        e.target = e.kind === "kill-leader" ? await this.leaderOr(choice) : pickServer();
        await this.procs.signal(e.target, "SIGKILL");
        await sleep(e.hold_ms);
        this.procs.start(e.target);
        return;
      }
      case "pause-server":
      case "pause-leader": {
        e.target = e.kind === "pause-leader" ? await this.leaderOr(choice) : pickServer();
        await this.procs.signal(e.target, "SIGSTOP");
        await sleep(e.hold_ms);
        await this.procs.signal(e.target, "SIGCONT");
        return;
      }
      case "partition-halves": {
        const minority = shuffle.slice(0, Math.floor(names.length / 2));
        const majority = shuffle.slice(minority.length);
        e.target = `[${minority.join(",")}] | [${majority.join(",")}]`;
        await this.partition(minority, majority, e.hold_ms);
        return;
      }
      case "partition-isolate-leader": {
        const leader = await this.leaderOr(choice);
        e.target = leader;
        await this.partition([leader], names.filter((n) => n !== leader), e.hold_ms);
        return;
      }
      case "partition-one-way": {
        // The leader hears nobody, but everyone still hears the leader.
        const leader = await this.leaderOr(choice);
        e.target = `${leader} deaf to peers`;
        const node = this.nodes.get(leader)!;
        for (const n of names) if (n !== leader) await dropFrom(node, this.nodes.get(n)!.address);
        await sleep(e.hold_ms);
        await this.healAllLinks();
        return;
      }
      case "partition-bridge": {
        // One server (the bridge) sees both halves; the halves do not see each other.
        const bridge = shuffle[0]!;
        const rest = shuffle.slice(1);
        const left = rest.slice(0, Math.ceil(rest.length / 2));
        const right = rest.slice(left.length);
        e.target = `[${left.join(",")}] - ${bridge} - [${right.join(",")}]`;
        await this.partition(left, right, e.hold_ms);
        return;
      }
      case "kill-agent": {
        const agents = [...this.procs.agents.keys()];
        e.target = agents[Math.floor(choice * agents.length)]!;
        await this.procs.signal(e.target, "SIGKILL");
        await sleep(e.hold_ms);
        this.procs.start(e.target);
        return;
      }
      case "restart-engine": {
        e.target = "private dockerd";
        await this.engine.stop();
        await sleep(e.hold_ms);
        await this.engine.start();
        return;
      }
      case "disk-full":
        await this.diskFull(e);
        return;
    }
  }

  private async partition(a: readonly string[], b: readonly string[], hold_ms: number): Promise<void> {
    for (const x of a) for (const y of b) await cut(this.nodes.get(x)!, this.nodes.get(y)!);
    await sleep(hold_ms);
    await this.healAllLinks();
  }

  async healAllLinks(): Promise<void> {
    for (const node of this.nodes.values()) await heal(node);
  }

  /**
   * Fills the tmpfs under one server's data folder, holds, frees it. A server that stopped
   * (by design, a failed durable write stops the Raft node) is restarted after the space returns.
   */
  private async diskFull(e: FaultEvent): Promise<void> {
    const name = this.options.diskServer!;
    e.target = name;
    const p = this.procs.servers.get(name)!;
    const filler = path.join(p.dataDir, "chaos-filler");
    await sh("dd", ["if=/dev/zero", `of=${filler}`, "bs=1M"], 60_000);
    const fs = await statfs(p.dataDir);
    const exitsBefore = p.unexpectedExits.length;
    await sleep(e.hold_ms);
    const ready = await call(this.addrs.get(name)!, "GET", "/v1/ready", undefined, 2_000);
    const readyText = ready.kind === "unknown" ? ready.reason : `${ready.status} ${ready.body.slice(0, 200)}`;
    const exited = p.unexpectedExits.length > exitsBefore || !this.procs.running(name);
    // An exit under a full disk is the designed response (a failed durable write stops the node), not a crash.
    this.diskFullExits += p.unexpectedExits.splice(exitsBefore).length;
    await rm(filler, { force: true });
    await sleep(1_000);
    const readyAfter = await call(this.addrs.get(name)!, "GET", "/v1/ready", undefined, 2_000);
    let restarted = false;
    if (!this.procs.running(name) || readyAfter.kind !== "ok") {
      await this.procs.signal(name, "SIGKILL");
      this.procs.start(name);
      restarted = true;
    }
    const obs = `free ${fs.bavail * fs.bsize} bytes while full; process ${exited ? "exited" : "stayed up"}; /v1/ready while full: ${readyText}; ${restarted ? "restarted after space returned" : "recovered without a restart"}`;
    e.note = obs;
    this.diskFullObservations.push(obs);
  }

  /** Undoes every fault that might be in place: links, pauses, dead processes, a full disk, the engine. */
  async healEverything(): Promise<void> {
    await this.healAllLinks();
    for (const name of [...this.procs.servers.keys(), ...this.procs.agents.keys()]) {
      const p = this.procs.get(name);
      if (p.paused) await this.procs.signal(name, "SIGCONT");
      if (!this.procs.running(name)) this.procs.start(name);
    }
    if (this.options.diskServer !== undefined) await rm(path.join(this.procs.servers.get(this.options.diskServer)!.dataDir, "chaos-filler"), { force: true });
    if (!(await this.engine.answers())) await this.engine.start();
  }
}
