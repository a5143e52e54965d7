// An example Mesos framework, written against the v1 scheduler HTTP API only (no orch imports):
// keeps N Docker tasks running through offers, relaunching any that end, acknowledging every update,
// suppressing offers while it needs nothing and re-subscribing with its id when the stream breaks.
//
//   npx tsx scripts/examples/mesos-framework.ts --master 127.0.0.1:4640 --tasks 3 \
//     --image orch-test/busybox:latest --cmd 'echo hello; sleep 3600' --cpus 0.1 --mem 32
import { parseArgs } from "node:util";
import { MesosScheduler, type MesosEvent, type OfferJson as Offer, type StatusJson as Status } from "./mesos-client.js";

/** Heartbeats missed before the stream counts as broken (as Mesos advises frameworks). */
const heartbeats_missed_max = 5;
/** Pause between re-subscribe attempts, doubling up to the max. */
const resubscribe_ms_min = 500;
const resubscribe_ms_max = 10_000;
const ended = new Set(["TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST", "TASK_ERROR", "TASK_DROPPED", "TASK_GONE"]);

export class KeepRunning {
  readonly sched: MesosScheduler;
  /** Task slots 0..N-1: the task id running in each, or undefined while it needs launching. */
  private readonly slots: (string | undefined)[];
  private launched = 0;
  private suppressed = false;
  private last_heartbeat_ms = Date.now();
  private heartbeat_s = 15;
  stopped = false;

  constructor(
    masters: string,
    private readonly o: { tasks: number; image: string; cmd: string; cpus: number; mem: number; name: string },
    private readonly log: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  ) {
    this.sched = new MesosScheduler(masters, { user: "root", name: o.name, failover_timeout: 300 });
    this.slots = new Array<string | undefined>(o.tasks).fill(undefined);
    this.sched.onEvent((e) => void this.handle(e));
  }

  async start(): Promise<void> {
    await this.subscribe();
    const watchdog = setInterval(() => {
      if (this.stopped) return clearInterval(watchdog);
      const silent_ms = Date.now() - this.last_heartbeat_ms;
      if (this.sched.ended || silent_ms > heartbeats_missed_max * this.heartbeat_s * 1000) {
        this.sched.close();
        void this.subscribe();
      }
    }, 1000);
  }

  running(): number {
    return this.slots.filter((s) => s !== undefined).length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.sched.call("TEARDOWN").catch(() => undefined);
    this.sched.close();
  }

  private async subscribe(): Promise<void> {
    for (let wait = resubscribe_ms_min; !this.stopped; wait = Math.min(wait * 2, resubscribe_ms_max)) {
      try {
        const id = await this.sched.subscribe();
        this.last_heartbeat_ms = Date.now();
        this.suppressed = false;
        this.log(`subscribed as ${id} at ${this.sched.master}`);
        // Learn what survived while the stream was down.
        await this.sched.call("RECONCILE", { reconcile: { tasks: [] } });
        return;
      } catch (err) {
        this.log(`subscribe failed (${err instanceof Error ? err.message : String(err)}); retrying in ${wait} ms`);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  private async handle(e: MesosEvent): Promise<void> {
    if (e.type === "SUBSCRIBED") this.heartbeat_s = (e["subscribed"] as { heartbeat_interval_seconds?: number }).heartbeat_interval_seconds ?? 15;
    if (e.type === "HEARTBEAT" || e.type === "SUBSCRIBED") this.last_heartbeat_ms = Date.now();
    if (e.type === "OFFERS") await this.offers((e["offers"] as { offers?: Offer[] }).offers ?? []);
    if (e.type === "UPDATE") {
      const s = (e["update"] as { status: Status }).status;
      await this.sched.acknowledge(e);
      const slot = this.slots.indexOf(s.task_id.value);
      if (slot >= 0 && ended.has(s.state)) {
        this.log(`${s.task_id.value} ${s.state}${s.message !== undefined ? `: ${s.message}` : ""}; relaunching`);
        this.slots[slot] = undefined;
        if (this.suppressed) {
          this.suppressed = false;
          await this.sched.call("REVIVE", { revive: {} });
        }
      } else if (slot >= 0) this.log(`${s.task_id.value} ${s.state}`);
    }
  }

  private async offers(offers: Offer[]): Promise<void> {
    for (const offer of offers) {
      const free = (name: string): number => offer.resources.find((r) => r.name === name)?.scalar?.value ?? 0;
      let cpus = free("cpus");
      let mem = free("mem");
      const task_infos: Record<string, unknown>[] = [];
      for (let slot = 0; slot < this.slots.length; slot++) {
        if (this.slots[slot] !== undefined || cpus < this.o.cpus || mem < this.o.mem) continue;
        const task_id = `${this.o.name}-${slot}-${++this.launched}`;
        this.slots[slot] = task_id;
        cpus -= this.o.cpus;
        mem -= this.o.mem;
        task_infos.push({
          name: task_id,
          task_id: { value: task_id },
          agent_id: offer.agent_id,
          resources: [
            { name: "cpus", type: "SCALAR", scalar: { value: this.o.cpus } },
            { name: "mem", type: "SCALAR", scalar: { value: this.o.mem } },
          ],
          command: { value: this.o.cmd, shell: true },
          container: { type: "DOCKER", docker: { image: this.o.image, network: "HOST" } },
        });
      }
      if (task_infos.length === 0) {
        await this.sched.call("DECLINE", { decline: { offer_ids: [offer.id], filters: { refuse_seconds: 5 } } });
        continue;
      }
      const a = await this.sched.call("ACCEPT", { accept: { offer_ids: [offer.id], operations: [{ type: "LAUNCH", launch: { task_infos } }], filters: { refuse_seconds: 5 } } });
      if (a.status !== 202) this.log(`ACCEPT answered ${a.status}: ${a.body}`);
      else this.log(`launched ${task_infos.length} task(s) on ${offer.agent_id.value}`);
    }
    if (!this.suppressed && this.slots.every((s) => s !== undefined)) {
      this.suppressed = true;
      await this.sched.call("SUPPRESS", { suppress: {} });
    }
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      master: { type: "string", default: "127.0.0.1:4640" },
      tasks: { type: "string", default: "3" },
      image: { type: "string", default: "orch-test/busybox:latest" },
      cmd: { type: "string", default: "echo hello from a Mesos framework; sleep 3600" },
      cpus: { type: "string", default: "0.1" },
      mem: { type: "string", default: "32" },
      name: { type: "string", default: "keep-running" },
    },
  });
  const tasks = Number(values.tasks);
  const cpus = Number(values.cpus);
  const mem = Number(values.mem);
  if (!Number.isInteger(tasks) || tasks < 1 || tasks > 1000) throw new Error("--tasks must be a whole number from 1 to 1000");
  if (!(cpus > 0) || !(mem > 0)) throw new Error("--cpus and --mem must be positive numbers (mem in MB)");
  const f = new KeepRunning(values.master, { tasks, image: values.image, cmd: values.cmd, cpus, mem, name: values.name });
  process.once("SIGINT", () => void f.stop().then(() => process.exit(0)));
  await f.start();
}

if (process.argv[1]?.endsWith("mesos-framework.ts")) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  });
}
