// `orch server`: run one server of a cluster (bootstrap, join, or restart from its data folder).
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { heartbeat_interval_ms_default, heartbeat_ttl_ms_default } from "../../internal/api/agent.js";
import { UsageError } from "../../internal/cli/errors.js";
import { command_set_version, command_set_version_baseline } from "../../internal/fsm/commands.js";
import { CommandSetError } from "../../internal/fsm/version.js";
import { parseDuration } from "../../internal/cli/units.js";
import { parseHost, parsePort } from "../../internal/cli/flags.js";
import { bind_address_default, data_dir_default, http_port_default, raft_port_default } from "../../internal/defaults.js";
import { parseLogLevel, streamLogger, type LogLevel } from "../../internal/log/logger.js";
import type { ServerOptions } from "../../internal/server/config.js";
import { parseBootstrap, parseHostPort, validName } from "../../internal/server/peers.js";
import type { Server } from "../../internal/server/server.js";
import { untilStopped } from "./context.js";

interface ServerFlags {
  name?: string;
  dataDir?: string;
  bind?: string;
  advertise?: string;
  httpPort?: string;
  raftPort?: string;
  bootstrap?: string;
  join?: string;
  config?: string;
  logLevel?: string;
  heartbeatTtl?: string;
  heartbeatInterval?: string;
  offerTimeout?: string;
  frameworkHeartbeat?: string;
}

/** Keys a --config file may hold: the flags' long names. */
const config_keys = ["name", "data-dir", "bind", "advertise", "http-port", "raft-port", "bootstrap", "join", "log-level", "heartbeat-ttl", "heartbeat-interval", "offer-timeout", "framework-heartbeat"] as const;
const env_of: Record<(typeof config_keys)[number], string> = {
  name: "ORCH_NAME",
  "data-dir": "ORCH_DATA_DIR",
  bind: "ORCH_BIND",
  advertise: "ORCH_ADVERTISE",
  "http-port": "ORCH_HTTP_PORT",
  "raft-port": "ORCH_RAFT_PORT",
  bootstrap: "ORCH_BOOTSTRAP",
  join: "ORCH_JOIN",
  "log-level": "ORCH_LOG_LEVEL",
  "heartbeat-ttl": "ORCH_HEARTBEAT_TTL",
  "heartbeat-interval": "ORCH_HEARTBEAT_INTERVAL",
  "offer-timeout": "ORCH_OFFER_TIMEOUT",
  "framework-heartbeat": "ORCH_FRAMEWORK_HEARTBEAT",
};

function readConfigFile(file: string): Partial<Record<(typeof config_keys)[number], string>> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`--config ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new UsageError(`--config ${file}: must hold a JSON object`);
  const out: Partial<Record<(typeof config_keys)[number], string>> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!(config_keys as readonly string[]).includes(k)) throw new UsageError(`--config ${file}: unknown key "${k}"; known keys: ${config_keys.join(", ")}`);
    if (typeof v !== "string" && typeof v !== "number") throw new UsageError(`--config ${file}: "${k}" must be a string or number`);
    out[k as (typeof config_keys)[number]] = String(v);
  }
  return out;
}

/**
 * ORCH_COMMAND_SET_VERSION, hidden: caps the command-set version this server applies and
 * announces, so tests can run this build as an older one (types newer than the cap are met as unknown).
 */
export function commandSetCap(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env["ORCH_COMMAND_SET_VERSION"];
  if (raw === undefined || raw === "") return undefined;
  const v = Number(raw);
  if (!/^\d+$/.test(raw) || v < command_set_version_baseline || v > command_set_version) {
    throw new UsageError(`ORCH_COMMAND_SET_VERSION=${raw}: give a whole number from ${command_set_version_baseline} to ${command_set_version} (this build's)`);
  }
  return v;
}

/**
 * A server that meets a log entry of a command type its build does not know stops (exit code 1)
 * with the message saying which version wrote it; restarted on a newer build it goes on from there.
 */
export function stopOnCommandSetGap(server: Server, stop: (why: string) => void): void {
  const onGap = (err: CommandSetError): void => {
    process.exitCode = 1;
    process.stderr.write(`orch server ${server.meta.name}: ${err.message}\n`);
    stop(err.message);
  };
  server.fsm.onStop((err) => setImmediate(() => onGap(err)));
  // The entry may have been met while the server started, before the listener was there.
  if (server.node.failed instanceof CommandSetError) onGap(server.node.failed);
}

/**
 * The server's module tree (Raft, LevelDB with its native addon, hono, dockerode) is loaded
 * only by the commands that run one: imported at the top, every `orch` invocation, even
 * `--version`, paid about 150 ms for it (docs/BENCHMARKS.md, start-up). esbuild bundles a
 * dynamic import() into the one CJS file as a module initialiser that runs on first call.
 */
export function loadServer(): Promise<typeof import("../../internal/server/server.js")> {
  return import("../../internal/server/server.js");
}

/** Flag, then ORCH_ environment variable, then config file; the rest the server resolves. */
export function compileServerOptions(flags: ServerFlags, env: NodeJS.ProcessEnv): Omit<ServerOptions, "logger"> & { log_level: LogLevel } {
  const file = flags.config !== undefined ? readConfigFile(flags.config) : {};
  const pick = (key: (typeof config_keys)[number], flag: string | undefined): string | undefined => flag ?? env[env_of[key]] ?? file[key];
  const nameRaw = pick("name", flags.name);
  const bindRaw = pick("bind", flags.bind);
  const advertiseRaw = pick("advertise", flags.advertise);
  const httpRaw = pick("http-port", flags.httpPort);
  const raftRaw = pick("raft-port", flags.raftPort);
  const bootstrapRaw = pick("bootstrap", flags.bootstrap);
  const joinRaw = pick("join", flags.join);
  if (bootstrapRaw !== undefined && joinRaw !== undefined) throw new UsageError("give --bootstrap or --join, not both: bootstrap creates a cluster, join enters one");
  const join = joinRaw?.split(",").map((a) => a.trim().replace(/^https?:\/\//, "")).filter((a) => a !== "");
  for (const a of join ?? []) parseHostPort("--join", a);
  if (join !== undefined && join.length === 0) throw new UsageError("--join is empty: give host:port of a running server's HTTP API");
  const ttlRaw = pick("heartbeat-ttl", flags.heartbeatTtl);
  const intervalRaw = pick("heartbeat-interval", flags.heartbeatInterval);
  const heartbeat_ttl_ms = ttlRaw !== undefined ? parseDuration("--heartbeat-ttl", ttlRaw) : undefined;
  const heartbeat_interval_ms = intervalRaw !== undefined ? parseDuration("--heartbeat-interval", intervalRaw) : undefined;
  if ((heartbeat_interval_ms ?? heartbeat_interval_ms_default) < 100) throw new UsageError("--heartbeat-interval must be at least 100ms");
  if ((heartbeat_ttl_ms ?? heartbeat_ttl_ms_default) < 3 * (heartbeat_interval_ms ?? heartbeat_interval_ms_default)) {
    throw new UsageError("--heartbeat-ttl must be at least three heartbeat intervals, so one lost heartbeat does not mark a node down");
  }
  const offerRaw = pick("offer-timeout", flags.offerTimeout);
  const offer_timeout_ms = offerRaw !== undefined ? parseDuration("--offer-timeout", offerRaw) : undefined;
  const fwHeartbeatRaw = pick("framework-heartbeat", flags.frameworkHeartbeat);
  const framework_heartbeat_ms = fwHeartbeatRaw !== undefined ? parseDuration("--framework-heartbeat", fwHeartbeatRaw) : undefined;
  if (framework_heartbeat_ms !== undefined && (framework_heartbeat_ms < 1_000 || framework_heartbeat_ms % 1_000 !== 0)) {
    throw new UsageError("--framework-heartbeat must be whole seconds, at least 1s (frameworks are told it in seconds)");
  }
  const cap = commandSetCap(env);
  const log_level = parseLogLevel(pick("log-level", flags.logLevel) ?? "info");
  if (log_level === undefined) throw new UsageError(`--log-level ${JSON.stringify(flags.logLevel)}: use debug, info, warn or error`);
  return {
    data_dir: pick("data-dir", flags.dataDir) ?? data_dir_default,
    ...(nameRaw !== undefined ? { name: validName("--name", nameRaw) } : {}),
    ...(bindRaw !== undefined ? { bind: parseHost("--bind", bindRaw) } : {}),
    ...(advertiseRaw !== undefined ? { advertise: parseHost("--advertise", advertiseRaw) } : {}),
    ...(httpRaw !== undefined ? { http_port: parsePort("--http-port", httpRaw) } : {}),
    ...(raftRaw !== undefined ? { raft_port: parsePort("--raft-port", raftRaw) } : {}),
    ...(bootstrapRaw !== undefined ? { bootstrap: parseBootstrap(bootstrapRaw) } : {}),
    ...(join !== undefined ? { join } : {}),
    ...(heartbeat_ttl_ms !== undefined ? { heartbeat_ttl_ms } : {}),
    ...(heartbeat_interval_ms !== undefined ? { heartbeat_interval_ms } : {}),
    ...(offer_timeout_ms !== undefined ? { offer_timeout_ms } : {}),
    ...(framework_heartbeat_ms !== undefined ? { framework_heartbeat_ms } : {}),
    ...(cap !== undefined ? { command_set_version: cap } : {}),
    log_level,
  };
}

export function registerServer(program: Command): void {
  program
    .command("server")
    .description("run a server: keeps the cluster's state replicated with Raft and serves the HTTP API")
    .option("--name <name>", "this server's name, unique in the cluster (default: host name) [ORCH_NAME]")
    .option("--data-dir <path>", `data folder (default: ${data_dir_default}) [ORCH_DATA_DIR]`)
    .option("--bind <address>", `address to listen on (default: ${bind_address_default}) [ORCH_BIND]`)
    .option("--advertise <address>", "address other machines reach this server at [ORCH_ADVERTISE]")
    .option("--http-port <port>", `HTTP API port (default: ${http_port_default}) [ORCH_HTTP_PORT]`)
    .option("--raft-port <port>", `Raft port (default: from --bootstrap, else ${raft_port_default}) [ORCH_RAFT_PORT]`)
    .option("--bootstrap <peers>", "create a cluster: name=host:raft_port,... the same list on every initial server [ORCH_BOOTSTRAP]")
    .option("--join <addrs>", "join a running cluster through any server's HTTP address host:port,... [ORCH_JOIN]")
    .option("--config <file>", "JSON file with any of the flags above by their long names")
    .option("--log-level <level>", "debug, info, warn or error (default: info) [ORCH_LOG_LEVEL]")
    .option("--heartbeat-ttl <duration>", "a node silent this long is down and its tasks LOST (default: 10s) [ORCH_HEARTBEAT_TTL]")
    .option("--heartbeat-interval <duration>", "how often agents heartbeat (default: 1s) [ORCH_HEARTBEAT_INTERVAL]")
    .option("--offer-timeout <duration>", "rescind offers a framework holds this long (default: 0, never, as Mesos) [ORCH_OFFER_TIMEOUT]")
    .option("--framework-heartbeat <duration>", "HEARTBEAT events to Mesos frameworks this often, whole seconds (default: 15s) [ORCH_FRAMEWORK_HEARTBEAT]")
    .addHelpText(
      "after",
      `
Examples:
  orch server --name s1 --bootstrap s1=10.0.0.1:4641,s2=10.0.0.2:4641,s3=10.0.0.3:4641 --bind 0.0.0.0
  orch server --name s4 --advertise 10.0.0.4 --join 10.0.0.1:4640
  orch server --data-dir ./orch-data        (restart: the folder says who this server is)`,
    )
    .action(async (flags: ServerFlags) => {
      const opts = compileServerOptions(flags, process.env);
      const logger = streamLogger(opts.log_level);
      const { Server } = await loadServer();
      const server = await Server.start({ ...opts, logger });
      await untilStopped(logger, () => server.stop(), (stop) => {
        server.onRemoved(() => stop("this server was removed from the cluster"));
        stopOnCommandSetGap(server, stop);
      });
      logger.info(`server ${server.meta.name} at ${server.http_addr} stopped`);
    });
}
