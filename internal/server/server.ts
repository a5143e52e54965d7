// One orch server: LevelDB storage, Raft node, server-to-server transport and the HTTP API,
// started from a data folder that says which cluster it belongs to.
import { mkdir } from "node:fs/promises";
import type { Server as HttpServer, IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { getRequestListener } from "@hono/node-server";
import { createHttpServer } from "../http/early-answer.js";
import type { Hono } from "hono";
import { heartbeat_interval_ms_default, heartbeat_ttl_ms_default } from "../api/agent.js";
import { UsageError } from "../cli/errors.js";
import { CommandType } from "../fsm/commands.js";
import type { Member } from "../fsm/members.js";
import { StateMachine } from "../fsm/state.js";
import type { Logger } from "../log/logger.js";
import { failedBeforeSending } from "../http/fetch-errors.js";
import { NodeError } from "../raftnode/errors.js";
import type { RaftNode } from "../raftnode/node.js";
import type { ConfChange } from "../../raft/index.js";
import { Transport } from "../transport/index.js";
import { LevelStorage } from "../../storage/level.js";
import { forward_timeout_ms, housekeeping_ms, promote_lag_entries, resolveConfig, type ServerConfig, type ServerOptions } from "./config.js";
import { AssignmentHub } from "./cluster/hub.js";
import { Liveness } from "./cluster/liveness.js";
import { Orchestrator } from "./cluster/orchestrator.js";
import { Leadership, type LeaderEpoch, type LeaderLoop } from "./leader/leadership.js";
import { PlanApplier } from "./leader/plan-applier.js";
import { FrameworkHost, framework_host_defaults } from "./leader/framework-host.js";
import { buildApp } from "./http/app.js";
import { kvKeyHandler } from "./http/kv.js";
import { mesosSchedulerHandler } from "./http/mesos-scheduler.js";
import { mesosOperatorHandler } from "./http/mesos-operator.js";
import { HttpError } from "./http/errors.js";
import type { JoinRequest, JoinResponse, MemberStatus, ServerView, StatusBody } from "./http/view.js";
import { joinCluster } from "./join.js";
import { GatedRaftNode } from "./version-gate.js";
import { isServerMeta, type ServerMeta } from "./meta.js";
import { bootstrapIds, clusterIdOf, formatHostPort, parseHostPort } from "./peers.js";

/** Bound on letting in-flight HTTP requests finish when a server stops. */
const http_drain_ms = 2_000;
/** Wait bound for a leadership hand-over before removing the current leader. */
const transfer_wait_ms = 5_000;
/** A server without a leader for this long asks the members whether it was removed. */
const removal_check_after_ms = 3_000;
const removal_check_every_ms = 2_000;
const removal_check_timeout_ms = 1_000;

export class Server implements ServerView {
  private housekeeping: NodeJS.Timeout | undefined;
  private announcing = false;
  private promoting = false;
  private stopped = false;
  private readonly removedHandlers: (() => void)[] = [];
  private leaderSeenAt = Date.now();
  private removalCheckedAt = 0;
  /** Transport peers by id, as last given to the transport. */
  private readonly peers = new Map<number, string>();
  readonly liveness: Liveness;
  readonly hub: AssignmentHub;
  readonly plans: PlanApplier;
  readonly frameworks: FrameworkHost;
  readonly leadership: Leadership;
  private readonly orchestrator: Orchestrator;

  private constructor(
    readonly cfg: ServerConfig,
    readonly meta: ServerMeta,
    readonly fsm: StateMachine,
    private readonly storage: LevelStorage,
    private readonly transport: Transport,
    readonly node: RaftNode,
    private readonly http: HttpServer,
    private readonly log: Logger,
  ) {
    this.hub = new AssignmentHub(fsm);
    this.liveness = new Liveness(fsm, node, log, {
      heartbeat_interval_ms: cfg.heartbeat_interval_ms ?? heartbeat_interval_ms_default,
      heartbeat_ttl_ms: cfg.heartbeat_ttl_ms ?? heartbeat_ttl_ms_default,
    });
    this.plans = new PlanApplier(fsm, node, log);
    this.orchestrator = new Orchestrator(fsm, this.plans, node, log);
    const promotion: LeaderLoop = {
      name: "learner-promotion",
      start: (_epoch: LeaderEpoch) => {
        this.promotion = setInterval(() => void this.promoteLearners(), housekeeping_ms);
      },
      stop: () => clearInterval(this.promotion),
    };
    this.frameworks = new FrameworkHost(fsm, node, this.plans, log, {
      ...framework_host_defaults,
      ...(cfg.offer_timeout_ms !== undefined ? { offer_timeout_ms: cfg.offer_timeout_ms } : {}),
      ...(cfg.framework_heartbeat_ms !== undefined ? { heartbeat_interval_ms: cfg.framework_heartbeat_ms } : {}),
    });
    // Started in this order once leadership is established, stopped in reverse.
    this.leadership = new Leadership(node, [this.plans, this.liveness, this.orchestrator, this.frameworks, promotion], log);
  }

  private promotion: NodeJS.Timeout | undefined;

  stopping(): boolean {
    return this.stopped;
  }

  get cluster_id(): string {
    return this.meta.cluster_id;
  }

  get raft_addr(): string {
    return formatHostPort(this.cfg.advertise, this.cfg.raft_port);
  }

  get http_addr(): string {
    return formatHostPort(this.cfg.advertise, this.cfg.http_port);
  }

  /** Opens the data folder, joins or bootstraps as the flags and the folder say, and serves. */
  static async start(options: ServerOptions): Promise<Server> {
    const log = options.logger;
    await mkdir(options.data_dir, { recursive: true });
    const storage = await LevelStorage.open(path.join(options.data_dir, "raft"));
    let transport: Transport | undefined;
    let http: HttpServer | undefined;
    try {
      const raw = storage.meta();
      const stored = isServerMeta(raw) ? raw : undefined;
      if (raw !== undefined && stored === undefined) throw new UsageError(`${options.data_dir} holds data orch does not recognise: choose an empty --data-dir`);
      const cfg = resolveConfig(options, stored);
      const { meta, peersHint } = await identify(cfg, storage, stored);
      const t = new Transport({ cluster_id: meta.cluster_id, node_id: meta.node_id, listen_host: cfg.bind, listen_port: cfg.raft_port, logger: log });
      transport = t;
      const fsm = new StateMachine(cfg.command_set_version !== undefined ? { command_set_version: cfg.command_set_version } : {});
      const ref: { server?: Server; app?: Hono; kvKey?: (req: IncomingMessage, res: ServerResponse) => boolean; mesos?: (req: IncomingMessage, res: ServerResponse) => boolean; operator?: (req: IncomingMessage, res: ServerResponse) => boolean } = {};
      const node = new GatedRaftNode({
        id: meta.node_id,
        storage,
        fsm,
        transport: { send: (msgs) => t.send(msgs) },
        logger: log,
        ...(cfg.tick_ms !== undefined ? { tick_ms: cfg.tick_ms } : {}),
        ...(cfg.election_ticks !== undefined ? { election_ticks: cfg.election_ticks } : {}),
        ...(cfg.snapshot_entries !== undefined ? { snapshot_entries: cfg.snapshot_entries } : {}),
        onMembershipChange: (cc) => ref.server?.syncPeers(cc),
        onRoleChange: (role) => ref.server?.leadership.onRoleChange(role),
      });
      await t.start().catch((err: unknown) => {
        throw new UsageError(`${err instanceof Error ? err.message : String(err)}: is another server using --raft-port ${cfg.raft_port}?`);
      });
      t.onMessage((m) => node.step(m));
      t.onUnreachable((id) => node.reportUnreachable(id));
      // A proposal the transport never handed to a connection is answered "not applied" at once.
      t.onProposalDropped((m) => node.reportDroppedProposal(m));
      t.onSnapshotStatus((id, status) => node.reportSnapshot(id, status === "finish"));

      // A request the adaptor cannot turn into a Request (bad Host, unparsable URL) and one Node's
      // parser refuses both get the JSON error shape every other answer has.
      // The adaptor's env ({ incoming, outgoing }) goes through: routes read bodies from incoming (http/body.ts).
      // Bodies left unread by an early answer are discarded by createHttpServer, not by the adaptor.
      const listener = getRequestListener((req: Request, env) => ref.app!.fetch(req, env), {
        autoCleanupIncoming: false,
        errorHandler: (err) =>
          new Response(JSON.stringify({ error: { code: "bad_request", message: `the request cannot be read: ${err instanceof Error ? err.message : String(err)}` } }), {
            status: 400,
            headers: { "content-type": "application/json" },
          }),
      });
      // Node would answer a request without Host itself, with an empty 400; let the listener answer it.
      // The routes of one key and Mesos's scheduler and operator APIs take Node's request directly
      // (their streams write to the response as events come); the rest goes to hono.
      const h = createHttpServer((req, res) => {
        if (ref.kvKey?.(req, res) === true || ref.mesos?.(req, res) === true || ref.operator?.(req, res) === true) return;
        void listener(req, res);
      }, log);
      http = h;
      const server = new Server(cfg, meta, fsm, storage, t, node, h, log);
      ref.server = server;
      ref.app = buildApp(server);
      ref.kvKey = kvKeyHandler(server);
      ref.mesos = mesosSchedulerHandler(server, log);
      ref.operator = mesosOperatorHandler(server, log);
      for (const p of peersHint) if (p.id !== meta.node_id) server.addPeer(p.id, p.raft_addr);
      server.syncPeers();

      await new Promise<void>((resolve, reject) => {
        h.once("error", reject);
        h.listen(cfg.http_port, cfg.bind, () => {
          h.off("error", reject);
          resolve();
        });
      }).catch((err: unknown) => {
        throw new UsageError(`cannot listen on ${formatHostPort(cfg.bind, cfg.http_port)} for HTTP (${(err as NodeJS.ErrnoException).code ?? String(err)}): choose another --http-port`);
      });
      node.start();
      server.housekeeping = setInterval(() => server.tickHousekeeping(), housekeeping_ms);
      log.info("server started", { name: meta.name, id: meta.node_id, cluster: meta.cluster_id, http: server.http_addr, raft: server.raft_addr });
      return server;
    } catch (err) {
      await new Promise<void>((r) => (http !== undefined && http.listening ? http.close(() => r()) : r()));
      await transport?.close();
      await storage.close();
      throw err;
    }
  }

  /** Called once if this server learns it was removed from the cluster. */
  onRemoved(handler: () => void): void {
    this.removedHandlers.push(handler);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.housekeeping !== undefined) clearInterval(this.housekeeping);
    this.leadership.stop();
    this.hub.wakeAll();
    // Requests in flight get a bounded moment to finish: a server removed from the cluster
    // stops while it may still be relaying the answer to its own removal.
    await new Promise<void>((r) => {
      this.http.close(() => r());
      this.http.closeIdleConnections();
      setTimeout(() => this.http.closeAllConnections(), http_drain_ms).unref();
    });
    await this.node.stop();
    await this.transport.close();
    await this.storage.close();
    this.log.info("server stopped", { name: this.meta.name });
  }

  // ---- ServerView

  isLeader(): boolean {
    return this.node.status().softState.raftState === "Leader";
  }

  leaderMember(): Member | null {
    const id = this.node.leader();
    if (id === 0) return null;
    const m = this.fsm.members.get(id) ?? { id, name: `server-${id}`, raft_addr: "", http_addr: "" };
    // This server leading before its address announcement committed still knows its own address.
    return id === this.meta.node_id && m.http_addr === "" ? { ...m, http_addr: this.http_addr } : m;
  }

  notReady(): string | null {
    if (this.node.failed !== undefined) return `this server stopped: ${this.node.failed.message}`;
    if (this.node.leader() === 0) return "no leader is elected yet";
    return null;
  }

  status(): StatusBody {
    const st = this.node.status();
    const voters = new Set(st.confState.voters);
    const members: MemberStatus[] = [...st.confState.voters, ...st.confState.learners].map((id) => {
      const m = this.fsm.members.get(id) ?? { id, name: `server-${id}`, raft_addr: "", http_addr: "" };
      const pr = st.progress.get(id);
      return {
        ...m,
        role: voters.has(id) ? "voter" : "learner",
        is_leader: id === st.softState.lead,
        ...(pr !== undefined ? { match_index: pr.match } : {}),
      };
    });
    members.sort((a, b) => a.id - b.id);
    return {
      cluster_id: this.meta.cluster_id,
      self: { id: this.meta.node_id, name: this.meta.name, raft_addr: this.raft_addr, http_addr: this.http_addr },
      leader: this.leaderMember(),
      state: st.softState.raftState,
      term: st.hardState.term,
      commit_index: st.hardState.commit,
      applied_index: this.fsm.applied_index,
      last_index: st.lastIndex,
      snapshot_index: this.storage.snapshot().metadata.index,
      members,
    };
  }

  async forwardToLeader(req: Request, read_body?: Uint8Array): Promise<Response> {
    if (req.headers.get("x-orch-forwarded") !== null) {
      throw new NodeError("no_leader", "leadership moved while the request was forwarded: retry", 503);
    }
    const leader = this.leaderMember();
    if (leader === null || leader.http_addr === "") throw new NodeError("no_leader", "no leader is elected yet: retry in a moment", 503);
    const url = new URL(req.url);
    const headers = new Headers(req.headers);
    headers.set("x-orch-forwarded", this.meta.name);
    headers.delete("host");
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : (read_body ?? new Uint8Array(await req.arrayBuffer()));
    try {
      const res = await fetch(`http://${leader.http_addr}${url.pathname}${url.search}`, {
        method: req.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: AbortSignal.timeout(forward_timeout_ms),
      });
      return new Response(await res.arrayBuffer(), { status: res.status, headers: { "content-type": res.headers.get("content-type") ?? "application/json" } });
    } catch (err) {
      const why = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      // Sent and then lost, a change may have been applied by the leader: say so, do not invite a blind retry.
      if (body !== undefined && !failedBeforeSending(err)) {
        throw new NodeError("timeout", `the leader ${leader.name} at ${leader.http_addr} did not answer (${why}) after the request was passed on: it may or may not have taken effect`, 504);
      }
      throw new NodeError("no_leader", `the leader ${leader.name} at ${leader.http_addr} could not be reached (${why}): retry`, 503);
    }
  }

  async addMember(req: JoinRequest): Promise<JoinResponse & { members: Member[] }> {
    const same = this.fsm.members.byName(req.name);
    const answer = (id: number): JoinResponse & { members: Member[] } => ({ cluster_id: this.meta.cluster_id, id, name: req.name, members: this.fsm.members.all() });
    if (same !== undefined) {
      // A server retrying its join after a crash gets the same id back.
      if (same.raft_addr === req.raft_addr) return answer(same.id);
      throw new HttpError(409, "name_taken", `a server named ${req.name} is already a member at ${same.raft_addr}: pick another --name, or remove it first (orch members remove ${req.name})`);
    }
    const clash = this.fsm.members.all().find((m) => m.raft_addr === req.raft_addr);
    if (clash !== undefined) throw new HttpError(409, "address_taken", `${req.raft_addr} is already the Raft address of ${clash.name}`);
    const id = this.fsm.members.max_id + 1;
    await this.node.proposeConfChange({ type: "AddLearnerNode", nodeId: id }, { name: req.name, raft_addr: req.raft_addr, http_addr: req.http_addr });
    this.log.info("server added as learner", { name: req.name, id });
    return answer(id);
  }

  async removeMember(name: string): Promise<{ id: number; name: string }> {
    const m = this.fsm.members.byName(name);
    if (m === undefined) throw new HttpError(404, "not_found", `no member named ${JSON.stringify(name)}; orch members lists them`);
    if (m.id === this.meta.node_id) {
      // The leader hands over first; the next leader then removes this server.
      const st = this.node.status();
      const to = [...st.progress.entries()].filter(([id]) => id !== m.id && st.confState.voters.includes(id)).sort((a, b) => b[1].match - a[1].match)[0];
      if (to === undefined) throw new HttpError(409, "last_voter", `${name} is the only voter; a cluster cannot remove its last server`);
      this.node.transferLeader(to[0]);
      const deadline = Date.now() + transfer_wait_ms;
      while (Date.now() < deadline && (this.node.leader() === m.id || this.node.leader() === 0)) await new Promise((r) => setTimeout(r, 50));
      if (this.node.leader() === m.id || this.node.leader() === 0) throw new NodeError("no_leader", "leadership did not move in time: retry", 503);
      const res = await this.forwardToLeader(new Request(`http://local/v1/members/${encodeURIComponent(name)}`, { method: "DELETE" }));
      const body = (await res.json()) as { id: number; name: string; error?: { code: string; message: string } };
      if (!res.ok) throw new HttpError(res.status as 409, body.error?.code ?? "remove_failed", body.error?.message ?? `HTTP ${res.status}`);
      return body;
    }
    await this.node.proposeConfChange({ type: "RemoveNode", nodeId: m.id });
    this.log.info("server removed", { name, id: m.id });
    return { id: m.id, name };
  }

  // ---- internals

  private addPeer(id: number, addr: string): void {
    if (this.peers.get(id) === addr) return;
    if (this.peers.has(id)) this.transport.updatePeer(id, addr);
    else this.transport.addPeer(id, addr);
    this.peers.set(id, addr);
  }

  /** Transport peers follow the member table; a committed removal of this server ends it. */
  syncPeers(cc?: ConfChange): void {
    const members = this.fsm.members.all();
    for (const m of members) if (m.id !== this.meta.node_id && m.raft_addr !== "") this.addPeer(m.id, m.raft_addr);
    if (members.length === 0) return;
    const known = new Set(members.map((m) => m.id));
    for (const id of [...this.peers.keys()]) {
      if (!known.has(id)) {
        this.transport.removePeer(id);
        this.peers.delete(id);
      }
    }
    if (cc?.type === "RemoveNode" && cc.nodeId === this.meta.node_id) {
      this.log.warn("this server was removed from the cluster", { name: this.meta.name });
      for (const h of this.removedHandlers.splice(0)) h();
    }
  }

  private tickHousekeeping(): void {
    if (this.stopped || this.node.failed !== undefined) return;
    const now = Date.now();
    if (this.node.leader() !== 0) this.leaderSeenAt = now;
    void this.announceHttp();
    if (!this.isLeader() && now - this.leaderSeenAt > removal_check_after_ms && now - this.removalCheckedAt > removal_check_every_ms) {
      this.removalCheckedAt = now;
      void this.checkRemoved();
    }
  }

  /**
   * A removed server may never receive the entry that removes it (the leader stops
   * replicating to it at once), so one that hears no leader asks the members: a leader
   * of this cluster whose member list lacks this server is the authority.
   */
  private async checkRemoved(): Promise<void> {
    const others = this.fsm.members.all().filter((m) => m.id !== this.meta.node_id && m.http_addr !== "");
    const answers = await Promise.all(
      others.map(async (m) => {
        try {
          const res = await fetch(`http://${m.http_addr}/v1/status`, { signal: AbortSignal.timeout(removal_check_timeout_ms) });
          return res.ok ? ((await res.json()) as StatusBody) : undefined;
        } catch {
          return undefined;
        }
      }),
    );
    const verdict = answers.find((st) => st !== undefined && st.cluster_id === this.meta.cluster_id && st.state === "Leader");
    if (verdict !== undefined && !verdict.members.some((m) => m.id === this.meta.node_id) && !this.stopped) {
      this.log.warn("this server was removed from the cluster (the leader no longer lists it)", { name: this.meta.name, leader: verdict.self.name });
      for (const h of this.removedHandlers.splice(0)) h();
    }
  }

  /** Records this server's HTTP address in the replicated member table when it changed. */
  private async announceHttp(): Promise<void> {
    const me = this.fsm.members.get(this.meta.node_id);
    if (this.announcing || me === undefined || this.node.leader() === 0) return;
    const version = this.fsm.command_set_version;
    if (me.http_addr === this.http_addr && me.raft_addr === this.raft_addr && me.command_set_version === version) return;
    this.announcing = true;
    try {
      await this.node.propose({ type: CommandType.member_update, id: me.id, name: this.meta.name, raft_addr: this.raft_addr, http_addr: this.http_addr, command_set_version: version });
    } catch (err) {
      this.log.debug("address announcement not committed yet", { error: err instanceof Error ? err.message : String(err) });
    } finally {
      this.announcing = false;
    }
  }

  private async promoteLearners(): Promise<void> {
    if (this.promoting) return;
    const st = this.node.status();
    const ready = st.confState.learners.find((id) => (st.progress.get(id)?.match ?? 0) + promote_lag_entries >= st.lastIndex);
    if (ready === undefined) return;
    this.promoting = true;
    try {
      await this.node.proposeConfChange({ type: "AddNode", nodeId: ready }, {});
      this.log.info("learner promoted to voter", { id: ready });
    } catch (err) {
      this.log.debug("promotion not done yet", { id: ready, error: err instanceof Error ? err.message : String(err) });
    } finally {
      this.promoting = false;
    }
  }
}

/**
 * Decides who this server is from its data folder and flags: an existing member (meta in
 * the folder), a bootstrapping one (--bootstrap) or a joining one (--join). Refuses a
 * folder of another cluster and a peer list that disagrees with the stored one.
 */
async function identify(
  cfg: ServerConfig,
  storage: LevelStorage,
  stored: ServerMeta | undefined,
): Promise<{ meta: ServerMeta; peersHint: { id: number; raft_addr: string }[] }> {
  const listen = { bind: cfg.bind, advertise: cfg.advertise, http_port: cfg.http_port, raft_port: cfg.raft_port };
  const sameListen = (m: ServerMeta): boolean => JSON.stringify(m.listen) === JSON.stringify(listen);

  if (cfg.bootstrap !== undefined) {
    const peers = cfg.bootstrap;
    const cluster_id = clusterIdOf(peers);
    const ids = bootstrapIds(peers);
    const id = ids.get(cfg.name);
    if (id === undefined) throw new UsageError(`--name ${cfg.name} is not in the --bootstrap list (${peers.map((p) => p.name).join(", ")}): give this server's own name`);
    const own = parseHostPort("--bootstrap", peers[id - 1]!.raft_addr);
    if (own.port !== cfg.raft_port) {
      throw new UsageError(`--bootstrap gives ${cfg.name} the Raft port ${own.port} but this server listens on --raft-port ${cfg.raft_port}: make them agree`);
    }
    if (stored !== undefined) {
      if (stored.cluster_id !== cluster_id) {
        throw new UsageError(
          `${cfg.data_dir} belongs to cluster ${stored.cluster_id}` +
            (stored.bootstrap !== undefined ? ` (bootstrapped with ${stored.bootstrap})` : "") +
            `, but this --bootstrap list names cluster ${cluster_id}: give the same list as before, drop --bootstrap to restart from the folder, or use an empty --data-dir`,
        );
      }
      if (stored.name !== cfg.name) throw new UsageError(`${cfg.data_dir} is server ${stored.name}'s folder, not ${cfg.name}'s`);
      if (storage.lastIndex() === 0) await bootstrapLog(storage, peers, ids);
      const meta = { ...stored, listen };
      if (!sameListen(stored)) await storage.setMeta(meta);
      return { meta, peersHint: [] };
    }
    if (storage.lastIndex() !== 0) throw new UsageError(`${cfg.data_dir} holds a Raft log but no cluster identity: use an empty --data-dir`);
    const meta: ServerMeta = { format: 1, cluster_id, node_id: id, name: cfg.name, bootstrap: peers.map((p) => `${p.name}=${p.raft_addr}`).join(","), listen };
    await storage.setMeta(meta);
    await bootstrapLog(storage, peers, ids);
    cfg.logger.info("bootstrapped a new cluster", { cluster: cluster_id, servers: peers.length });
    return { meta, peersHint: [] };
  }

  if (stored !== undefined) {
    if (stored.name !== cfg.name) throw new UsageError(`${cfg.data_dir} is server ${stored.name}'s folder, not ${cfg.name}'s: start it with --name ${stored.name}`);
    const meta = { ...stored, listen };
    if (!sameListen(stored)) await storage.setMeta(meta);
    return { meta, peersHint: stored.peers ?? [] };
  }

  if (cfg.join !== undefined && cfg.join.length > 0) {
    const raft_addr = formatHostPort(cfg.advertise, cfg.raft_port);
    const http_addr = formatHostPort(cfg.advertise, cfg.http_port);
    const ans = await joinCluster(cfg.join, { name: cfg.name, raft_addr, http_addr }, cfg.logger);
    const peers = ans.members.map((m) => ({ id: m.id, raft_addr: m.raft_addr }));
    const meta: ServerMeta = { format: 1, cluster_id: ans.cluster_id, node_id: ans.id, name: cfg.name, peers, listen };
    await storage.setMeta(meta);
    cfg.logger.info("joined the cluster as a learner", { cluster: ans.cluster_id, id: ans.id });
    return { meta, peersHint: peers };
  }

  throw new UsageError(
    `${cfg.data_dir} holds no cluster yet: create one with --bootstrap name=host:port,... (the same list on every initial server), or join one with --join HOST:HTTP_PORT`,
  );
}

async function bootstrapLog(storage: LevelStorage, peers: readonly { name: string; raft_addr: string }[], ids: Map<string, number>): Promise<void> {
  const initial = new StateMachine();
  for (const p of peers) initial.members.upsert({ id: ids.get(p.name)!, name: p.name, raft_addr: p.raft_addr, http_addr: "" });
  await storage.bootstrap({ voters: [...ids.values()], learners: [] }, initial.snapshot());
}
