// The agent: registers, follows its assignments, runs them through the driver and reports status until acknowledged.
import { mkdir } from "node:fs/promises";
import os from "node:os";
import type { RegisterRequest, RegisterResponse } from "../api/agent.js";
import type { Driver, TaskStatus } from "../driver/types.js";
import { streamLogger, type Logger } from "../log/logger.js";
import { version } from "../version.js";
import { AgentStore } from "../../storage/agent-store.js";
import { AssignmentFollower } from "./assignments.js";
import { sleep } from "./backoff.js";
import { makeDriver, type MadeDriver } from "./driver-factory.js";
import { fingerprint } from "./fingerprint.js";
import { AgentHttp } from "./http.js";
import { agent_http_port_default, agent_limits_default, type AgentLimits } from "./limits.js";
import { OpPool } from "./op-pool.js";
import { advertisedAddr, bind_default, type AgentOptions } from "./options.js";
import { ServerPool } from "./servers.js";
import { Session } from "./session.js";
import { StatusRecorder } from "./status-recorder.js";
import { StatusSender } from "./status-sender.js";
import { StoreStopIntents } from "./stop-intents.js";
import { TaskRunner } from "./tasks.js";

export type { AgentOptions } from "./options.js";

/** Retry pacing of a failed driver operation on one task (the engine may be restarting). */
export const driver_op_retry_ms = 1_000;

export class Agent {
  private readonly abort = new AbortController();
  private loops: Promise<unknown>[] = [];
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly node_id: string,
    readonly http_addr: string,
    readonly registration_request: RegisterRequest,
    readonly driver: Driver,
    private readonly parts: {
      store: AgentStore;
      made: MadeDriver;
      http: AgentHttp;
      session: Session;
      sender: StatusSender;
      runner: TaskRunner;
      recorder: StatusRecorder;
      ops: OpPool;
      follower: AssignmentFollower;
      limits: AgentLimits;
      logger: Logger;
    },
  ) {}

  /** Opens the data folder, reattaches to this node's containers, serves logs, then registers and runs until stop(). */
  static async start(options: AgentOptions): Promise<Agent> {
    const logger = options.logger ?? streamLogger("info");
    const limits: AgentLimits = { ...agent_limits_default, ...options.limits };
    await mkdir(options.data_dir, { recursive: true });
    const store = await AgentStore.open(options.data_dir, { status_queue_max: limits.status_queue_max });
    const cleanup: Array<() => Promise<void> | void> = [() => store.close()];
    try {
      const made = makeDriver(options.driver ?? "docker", {
        node_id: store.node_id,
        stop_intents: new StoreStopIntents(store),
        ...(options.docker_socket !== undefined ? { docker_socket: options.docker_socket } : {}),
        ...(options.driver_kind !== undefined ? { kind: options.driver_kind } : {}),
      });
      cleanup.push(made.close);
      const found = await listOrExplain(made);
      const facts = await fingerprint({ data_dir: options.data_dir, ...options.resources, ...(options.attributes !== undefined ? { attributes: options.attributes } : {}) });
      const bind = options.bind ?? bind_default;
      const http = await AgentHttp.listen(made.driver, bind, options.http_port ?? agent_http_port_default, logger);
      cleanup.push(() => http.close());
      const http_addr = advertisedAddr({ bind, ...(options.advertise !== undefined ? { advertise: options.advertise } : {}) }, http.port());
      const request: RegisterRequest = {
        node_id: store.node_id,
        name: options.name ?? os.hostname(),
        http_addr,
        resources: facts.resources,
        attributes: facts.attributes,
        driver: made.kind,
        version,
      };
      const pool = new ServerPool(options.join, limits.request_timeout_ms);
      const ops = new OpPool(limits.driver_ops_parallel_max, driver_op_retry_ms, () => runner.schedule());
      // Callbacks below reach parts made after them; none runs before adopt(), when all exist.
      const recorder = new StatusRecorder(store, () => sender.notify());
      const runner = new TaskRunner(made.driver, store, recorder, ops, logger);
      const session = new Session(pool, request, limits, logger, (registration) => onRegistered(store, runner, registration));
      const sender = new StatusSender(pool, session, store, limits, logger);
      const follower = new AssignmentFollower(pool, session, limits, logger, (list) => {
        void runner.acceptList(list, session.registration()?.cluster_id ?? store.clusterState()?.cluster_id ?? "");
      });
      await runner.adopt(found);
      const agent = new Agent(store.node_id, http_addr, request, made.driver, { store, made, http, session, sender, runner, recorder, ops, follower, limits, logger });
      agent.run();
      logger.info("agent started", {
        node_id: store.node_id,
        http_addr,
        driver: made.kind,
        cpus: facts.resources.cpus,
        memory_bytes: facts.resources.memory_bytes,
        reattached: found.length,
      });
      return agent;
    } catch (err) {
      for (const step of cleanup.reverse()) await Promise.resolve(step()).catch(() => undefined);
      throw err;
    }
  }

  private run(): void {
    const { session, sender, follower } = this.parts;
    const signal = this.abort.signal;
    const guard = (name: string, loop: Promise<void>): Promise<void> =>
      loop.catch((err: unknown) => this.parts.logger.error(`agent ${name} loop stopped`, { error: err instanceof Error ? err.message : String(err) }));
    this.loops = [
      guard("session", session.run(signal)),
      guard("assignments", follower.run(signal)),
      guard("status", sender.run(signal)),
      guard("watch", this.watch(signal)),
    ];
  }

  /** Driver events, and a fresh list after every (re)start of the watch so nothing between is missed. */
  private async watch(signal: AbortSignal): Promise<void> {
    const { runner, limits, logger } = this.parts;
    let first = true;
    while (!signal.aborted) {
      // Each round's watch ends with the round, so a failed list() leaves nothing running.
      const round = new AbortController();
      try {
        const events = this.driver.watch({ signal: AbortSignal.any([signal, round.signal]) })[Symbol.asyncIterator]();
        const next = events.next();
        // While the engine is down list() fails first; the watch's own failure must not go unhandled.
        next.catch(() => undefined);
        if (!first) for (const status of await this.driver.list()) runner.onStatus(status);
        first = false;
        for (let item = await next; item.done !== true; item = await events.next()) runner.onStatus(item.value);
      } catch (err) {
        if (!signal.aborted) logger.warn("driver watch failed; listing and watching again", { error: err instanceof Error ? err.message : String(err) });
      } finally {
        round.abort();
      }
      await sleep(limits.watch_retry_ms, signal);
      first = false;
    }
  }

  /** Number of status updates not yet acknowledged by the servers. */
  pendingUpdates(): number {
    return this.parts.store.pendingCount();
  }

  /** Stops registering, streaming and reporting; the tasks' containers keep running (like Nomad's client). */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const { runner, recorder, ops, http, store, made, limits, logger } = this.parts;
    this.abort.abort();
    runner.close();
    await Promise.all(this.loops);
    await ops.drain(limits.shutdown_grace_ms);
    ops.close();
    await recorder.idle();
    await http.close();
    made.close();
    await store.close();
    logger.info("agent stopped; tasks keep running", { node_id: this.node_id });
  }
}

async function onRegistered(store: AgentStore, runner: TaskRunner, registration: RegisterResponse): Promise<void> {
  const known = store.clusterState();
  if (known !== undefined && known.cluster_id !== registration.cluster_id) await runner.resetIndex(registration.cluster_id);
  else if (known === undefined) await store.setClusterState({ cluster_id: registration.cluster_id, index: -1 });
}

async function listOrExplain(made: MadeDriver): Promise<TaskStatus[]> {
  try {
    return await made.driver.list();
  } catch (err) {
    const cause = err instanceof Error ? err.message : String(err);
    throw new Error(
      made.kind === "docker"
        ? `cannot list this node's containers: the Docker engine did not answer (${cause}); start dockerd (or set --docker-socket) and try again`
        : `cannot list this node's tasks: ${cause}`,
      { cause: err },
    );
  }
}
