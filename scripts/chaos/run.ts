// One chaos run: build the network and cluster, run workloads under the nemesis, heal, check, tear down.
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { repo_root } from "../../test/support/binary.js";
import { checkLinearizable, checkNoLostWrites, checkSameState, checkServicesAndContainers, type Verdict } from "./checks.js";
import { statuses, waitConverged, waitLeader } from "./cluster_view.js";
import { engine_socket, PrivateEngine } from "./engine.js";
import { KvWorkload, kv_clients } from "./kv_workload.js";
import { acquireLock, releaseLock } from "./lock.js";
import { createBridge, createNode, netnsUnavailable, type NetNode } from "./net.js";
import { teardownLeftovers, tmpfs_source } from "./teardown.js";
import { Nemesis, type FaultKind } from "./nemesis.js";
import { Prng } from "./prng.js";
import { Processes, server_http_port, server_raft_port } from "./procs.js";
import { ServiceWorkload } from "./service_workload.js";
import { sh, shOk, sleep, waitFor } from "./sh.js";
import { formatSummary, type Summary } from "./summary.js";

export interface ChaosOptions {
  seed: number;
  /** Length of the fault phase; setup, healing and checks add about a minute. */
  minutes: number;
  servers: 3 | 5;
  faults: ReadonlySet<FaultKind>;
  keepLogs: boolean;
  say: (line: string) => void;
}

/** Size of the tmpfs under one server's data folder; the disk-full fault fills it. */
const disk_tmpfs_bytes = 256 * 1024 * 1024;
/** Bound on the cluster forming and agents registering at start. */
const startup_timeout_ms = 60_000;
/** Bound on the servers converging on one applied index after the faults heal. */
const converge_timeout_ms = 90_000;
const agent_names = ["a1", "a2"] as const;

export async function runChaos(o: ChaosOptions): Promise<Summary> {
  const unavailable = await netnsUnavailable();
  if (unavailable !== undefined) throw new Error(`chaos: this machine cannot run the suite: ${unavailable}`);
  const binary = path.join(repo_root, "dist/orch");
  if (!existsSync(binary)) throw new Error(`chaos: ${binary} is missing: run scripts/build-binary.sh first`);
  await acquireLock();
  const started_ms = Date.now();
  await mkdir(path.join(os.tmpdir(), "orch-chaos"), { recursive: true });
  const runDir = await mkdtemp(path.join(os.tmpdir(), "orch-chaos", `seed-${o.seed}-`));
  const engine = new PrivateEngine(path.join(runDir, "dockerd.log"));
  // A private copy under a neutral name: on a shared machine, someone's `pkill -f "orch server"`
  // or `pkill -f dist/orch` must not end this run's processes (it happened once, see the doc).
  const nodeBinary = path.join(runDir, "bin", "chaos-node");
  await mkdir(path.dirname(nodeBinary), { recursive: true });
  await copyFile(binary, nodeBinary);
  const procs = new Processes(nodeBinary, runDir, ["--heartbeat-ttl", "3s", "--heartbeat-interval", "500ms"]);
  const tmpfsDirs: string[] = [];
  let summary: Summary | undefined;
  try {
    await teardownLeftovers(); // of a run that was killed before its own teardown
    o.say(`seed ${o.seed}, ${o.servers} servers, 2 agents, ${o.minutes} min of faults; logs in ${runDir}`);
    await createBridge();
    const nodes = new Map<string, NetNode>();
    for (let i = 1; i <= o.servers; i++) nodes.set(`s${i}`, await createNode(`s${i}`, i));
    const bootstrap = [...nodes.values()].map((n) => `${n.name}=${n.address}:${server_raft_port}`).join(",");
    const addrs = new Map([...nodes.values()].map((n) => [n.name, `${n.address}:${server_http_port}`]));
    const diskServer = o.faults.has("disk-full") ? `s${o.servers}` : undefined;
    for (const n of nodes.values()) {
      const dataDir = path.join(runDir, n.name);
      await mkdir(dataDir, { recursive: true });
      if (n.name === diskServer) {
        await shOk("mount", ["-t", "tmpfs", "-o", `size=${disk_tmpfs_bytes}`, tmpfs_source, dataDir]);
        tmpfsDirs.push(dataDir);
      }
      procs.addServer(n, dataDir, bootstrap);
    }
    await engine.start();
    await engine.loadImage();
    for (const n of nodes.keys()) procs.start(n);
    if ((await waitLeader(addrs, startup_timeout_ms)) === undefined) throw new Error(`chaos: no leader within ${startup_timeout_ms} ms of start; see ${runDir}/s*.log`);
    const join = [...addrs.values()].join(",");
    for (const [i, a] of agent_names.entries()) procs.addAgent(a, 4652 + i, join, engine_socket);
    for (const a of agent_names) procs.start(a);
    const ready = await waitFor(async () => {
      const r = await fetch(`http://${[...addrs.values()][0]}/v1/nodes`, { signal: AbortSignal.timeout(3_000) });
      const j = (await r.json()) as { nodes?: { status: string }[] };
      return (j.nodes ?? []).filter((n) => n.status === "ready").length === agent_names.length ? true : undefined;
    }, startup_timeout_ms);
    if (ready === undefined) throw new Error(`chaos: the agents did not register within ${startup_timeout_ms} ms; see ${runDir}/agent-*.log`);

    const rng = new Prng(o.seed);
    const kv = new KvWorkload([...addrs.values()], rng.fork());
    const services = new ServiceWorkload([...addrs.values()], rng.fork(), `cs${o.seed % 10000}`);
    const nemesis = new Nemesis(rng.fork(), procs, nodes, addrs, engine, { enabled: o.faults, diskServer }, o.say);
    kv.start();
    services.start();
    nemesis.start();
    const fault_ms = Math.round(o.minutes * 60_000);
    for (let t = 0; t < fault_ms; t += 1_000) {
      await sleep(1_000);
      if (t > 0 && t % 30_000 === 0) o.say(`t=${t / 1000}s ops ${kv.history.length} (indeterminate ${kv.counts.indeterminate}), faults ${nemesis.events.length}`);
    }
    await nemesis.stop();
    o.say("healing every fault");
    await nemesis.healEverything();
    // Let the workload run a little against the healed cluster, so recovery is exercised under load.
    await sleep(5_000);
    await Promise.all([kv.stop(), services.stop()]);

    o.say("waiting for the servers to converge");
    const leader = await waitLeader(addrs, converge_timeout_ms);
    const converged = await waitConverged(addrs, converge_timeout_ms);
    const verdicts: Verdict[] = [];
    verdicts.push({
      name: "the cluster recovers after every fault",
      ok: nemesis.slowRecoveries.length === 0 && leader !== undefined && converged !== undefined,
      detail:
        nemesis.slowRecoveries.length > 0 ? nemesis.slowRecoveries.slice(0, 3).join("; ") : leader === undefined ? `no leader within ${converge_timeout_ms} ms after healing` : converged === undefined ? `servers did not reach one applied index within ${converge_timeout_ms} ms` : `leader ${leader}, all at applied index ${converged}`,
    });

    // Final linearizable reads join the history: they prove what survived.
    const finalValues = new Map<string, string | null>();
    const keys = [...kv.keysUsed].sort();
    const addrList = [...addrs.values()];
    for (const [i, key] of keys.entries()) {
      for (let attempt = 0; attempt < 20; attempt++) {
        const got = await kv.get(kv_clients, addrList[(i + attempt) % addrList.length]!, key);
        if (got !== undefined) {
          finalValues.set(key, got.value);
          break;
        }
        await sleep(500);
      }
    }
    const unread = keys.filter((k) => !finalValues.has(k));
    o.say(`checking ${kv.history.length} operations`);
    verdicts.push(checkLinearizable(kv.history));
    const lost = checkNoLostWrites(kv.history, finalValues);
    if (unread.length > 0) {
      lost.ok = false;
      lost.detail = `${unread.length} keys could not be read at the end (first ${unread[0]}); ${lost.detail}`;
    }
    verdicts.push(lost);
    // Services first: that check waits for restarts to settle, so the state compared next holds still.
    const serviceVerdicts = await checkServicesAndContainers(addrList, engine, services.intents);
    verdicts.push(await checkSameState(addrs, keys, () => waitConverged(addrs, 20_000)));
    verdicts.push(...serviceVerdicts);
    const crashes: string[] = [];
    for (const name of [...procs.servers.keys(), ...procs.agents.keys()]) {
      for (const e of procs.get(name).unexpectedExits) crashes.push(`${name} exited by itself (code ${e.code}, signal ${e.signal}) at t=${Math.round((e.at_ms - started_ms) / 1000)}s`);
    }
    verdicts.push({ name: "no process exited by itself (outside a full disk)", ok: crashes.length === 0, detail: crashes.length === 0 ? `${nemesis.diskFullExits} exits under a full disk` : crashes.slice(0, 5).join("; ") });

    const sts = await statuses(addrs);
    summary = {
      seed: o.seed,
      servers: o.servers,
      minutes: o.minutes,
      wall_s: Math.round((Date.now() - started_ms) / 1000),
      faults: nemesis.counts(),
      faultEvents: nemesis.events.length,
      diskFull: nemesis.diskFullObservations,
      kv: { ...kv.counts, checked: kv.history.length, keys: keys.length, unknownReasons: Object.fromEntries(kv.unknownReasons) },
      services: { ...services.counts, ...services.byKind, refusedReasons: Object.fromEntries(services.refusedReasons) },
      verdicts,
      ok: verdicts.every((v) => v.ok),
      runDir,
      terms: [...sts.values()].map((s) => s.term),
    };
    await writeFile(path.join(runDir, "summary.json"), JSON.stringify(summary, null, 2));
    await writeFile(path.join(runDir, "faults.json"), JSON.stringify(nemesis.events, null, 2));
    return summary;
  } finally {
    await procs.killAll().catch(() => undefined);
    await engine.destroy().catch(() => undefined);
    for (const d of tmpfsDirs) await sh("umount", ["-l", d]);
    const problems = await teardownLeftovers();
    for (const p of problems) o.say(`teardown: ${p}`);
    await rm(path.dirname(nodeBinary), { recursive: true, force: true });
    if (summary?.ok === true && !o.keepLogs) await rm(runDir, { recursive: true, force: true });
    else o.say(`logs kept in ${runDir}`);
    await releaseLock();
  }
}

export { formatSummary };
