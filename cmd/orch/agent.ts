// `orch agent`: run the agent on this machine: register with the servers, run assigned tasks, report their status.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type { AgentOptions } from "../../internal/agent/agent.js";
import { parseAttributes } from "../../internal/agent/fingerprint.js";
import { agent_data_dir_default, agent_http_port_default } from "../../internal/agent/limits.js";
import { bind_default } from "../../internal/agent/options.js";
import { parseBytes, parseCpus } from "../../internal/agent/units.js";
import { UsageError } from "../../internal/cli/errors.js";
import { parseHost, parseNonEmpty } from "../../internal/cli/flags.js";
import { parseLogLevel, streamLogger, type LogLevel } from "../../internal/log/logger.js";
import { untilStopped } from "./context.js";

export interface AgentFlags {
  join?: string;
  name?: string;
  dataDir?: string;
  bind?: string;
  advertise?: string;
  httpPort?: string;
  cpus?: string;
  mem?: string;
  reserveCpus?: string;
  reserveMem?: string;
  attr?: string[];
  driver?: string;
  dockerSocket?: string;
  config?: string;
  logLevel?: string;
}

const config_keys = ["join", "name", "data-dir", "bind", "advertise", "http-port", "cpus", "mem", "reserve-cpus", "reserve-mem", "driver", "docker-socket", "log-level"] as const;
type ConfigKey = (typeof config_keys)[number];
const env_of: Record<ConfigKey, string> = {
  join: "ORCH_JOIN",
  name: "ORCH_NAME",
  "data-dir": "ORCH_AGENT_DATA_DIR",
  bind: "ORCH_BIND",
  advertise: "ORCH_ADVERTISE",
  "http-port": "ORCH_AGENT_HTTP_PORT",
  cpus: "ORCH_CPUS",
  mem: "ORCH_MEM",
  "reserve-cpus": "ORCH_RESERVE_CPUS",
  "reserve-mem": "ORCH_RESERVE_MEM",
  driver: "ORCH_DRIVER",
  "docker-socket": "ORCH_DOCKER_SOCKET",
  "log-level": "ORCH_LOG_LEVEL",
};

function readConfigFile(file: string): Partial<Record<ConfigKey | "attr", string | string[]>> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`--config ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new UsageError(`--config ${file}: must hold a JSON object`);
  const out: Partial<Record<ConfigKey | "attr", string | string[]>> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === "attr" && Array.isArray(v) && v.every((a) => typeof a === "string")) out.attr = v as string[];
    else if (!(config_keys as readonly string[]).includes(k)) throw new UsageError(`--config ${file}: unknown key "${k}"; known keys: ${config_keys.join(", ")}, attr`);
    else if (typeof v !== "string" && typeof v !== "number") throw new UsageError(`--config ${file}: "${k}" must be a string or number`);
    else out[k as ConfigKey] = String(v);
  }
  return out;
}

function parseJoin(raw: string): string[] {
  const addrs = raw.split(",").map((a) => a.trim().replace(/^https?:\/\//, "").replace(/\/+$/, "")).filter((a) => a !== "");
  if (addrs.length === 0) throw new UsageError("--join is empty: give host:port of one or more servers, e.g. --join 10.0.0.1:4640,10.0.0.2:4640");
  for (const addr of addrs) {
    const m = /^(.+):(\d{1,5})$/.exec(addr);
    const port = Number(m?.[2]);
    if (m === null || port < 1 || port > 65535) {
      throw new UsageError(`--join ${JSON.stringify(addr)} is not host:port: give a server's HTTP address, e.g. 10.0.0.1:4640`);
    }
    parseHost("--join", (m[1] ?? "").replace(/^\[(.*)\]$/, "$1"));
  }
  return addrs;
}

function parsePortOrZero(flag: string, raw: string): number {
  if (!/^\d{1,5}$/.test(raw.trim()) || Number(raw) > 65535) {
    throw new UsageError(`${flag} ${JSON.stringify(raw)} is not a port: give a whole number from 1 to 65535 (0 picks a free one)`);
  }
  return Number(raw);
}

/** Flag, then ORCH_ environment variable, then --config file; every bad value is a UsageError naming it. */
export function compileAgentOptions(flags: AgentFlags, env: NodeJS.ProcessEnv): Omit<AgentOptions, "logger"> & { log_level: LogLevel } {
  const file = flags.config !== undefined ? readConfigFile(flags.config) : {};
  const pick = (key: ConfigKey, flag: string | undefined): string | undefined => {
    const fromFile = file[key];
    return flag ?? env[env_of[key]] ?? (typeof fromFile === "string" ? fromFile : undefined);
  };
  const joinRaw = pick("join", flags.join);
  if (joinRaw === undefined) throw new UsageError("--join is required: give host:port of one or more servers (or set ORCH_JOIN), e.g. --join 10.0.0.1:4640");
  const driver = pick("driver", flags.driver) ?? "docker";
  if (driver !== "docker" && driver !== "mock") throw new UsageError(`--driver ${JSON.stringify(driver)} is not a driver: use docker or mock`);
  const logRaw = pick("log-level", flags.logLevel) ?? "info";
  const log_level = parseLogLevel(logRaw);
  if (log_level === undefined) throw new UsageError(`--log-level ${JSON.stringify(logRaw)}: use debug, info, warn or error`);
  const fileAttrs = Array.isArray(file.attr) ? file.attr : [];
  const attrRaws = [...fileAttrs, ...(flags.attr ?? [])];
  const cpusRaw = pick("cpus", flags.cpus);
  const memRaw = pick("mem", flags.mem);
  const reserveCpusRaw = pick("reserve-cpus", flags.reserveCpus);
  const reserveMemRaw = pick("reserve-mem", flags.reserveMem);
  const resources = {
    ...(cpusRaw !== undefined ? { cpus: positive("--cpus", cpusRaw, parseCpus("--cpus", cpusRaw)) } : {}),
    ...(memRaw !== undefined ? { memory_bytes: positive("--mem", memRaw, parseBytes("--mem", memRaw)) } : {}),
    ...(reserveCpusRaw !== undefined ? { reserve_cpus: parseCpus("--reserve-cpus", reserveCpusRaw) } : {}),
    ...(reserveMemRaw !== undefined ? { reserve_memory_bytes: parseBytes("--reserve-mem", reserveMemRaw) } : {}),
  };
  const name = pick("name", flags.name);
  const bind = pick("bind", flags.bind);
  const advertise = pick("advertise", flags.advertise);
  const httpPort = pick("http-port", flags.httpPort);
  const socket = pick("docker-socket", flags.dockerSocket);
  if (name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(name)) {
    throw new UsageError(`--name ${JSON.stringify(name)} is not a node name: use 1–63 characters of A-Z a-z 0-9 _ . - starting with a letter or digit`);
  }
  return {
    join: parseJoin(joinRaw),
    data_dir: parseNonEmpty("--data-dir", pick("data-dir", flags.dataDir) ?? agent_data_dir_default),
    driver,
    resources,
    attributes: parseAttributes("--attr", attrRaws),
    log_level,
    ...(name !== undefined ? { name } : {}),
    ...(bind !== undefined ? { bind: parseHost("--bind", bind) } : {}),
    ...(advertise !== undefined ? { advertise: parseHost("--advertise", advertise) } : {}),
    ...(httpPort !== undefined ? { http_port: parsePortOrZero("--http-port", httpPort) } : {}),
    ...(socket !== undefined ? { docker_socket: parseNonEmpty("--docker-socket", socket) } : {}),
  };
}

function positive(flag: string, raw: string, value: number): number {
  if (!(value > 0)) throw new UsageError(`${flag} ${raw} is not accepted: give an amount above 0`);
  return value;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** The agent's module tree (drivers, dockerode, LevelDB), loaded only to run one; see loadServer. */
export function loadAgent(): Promise<typeof import("../../internal/agent/agent.js")> {
  return import("../../internal/agent/agent.js");
}

export function registerAgent(program: Command): void {
  program
    .command("agent")
    .description("run an agent: offers this machine's resources, runs assigned tasks as containers, reports their status")
    .option("--join <addrs>", "servers' HTTP addresses host:port,... (required) [ORCH_JOIN]")
    .option("--name <name>", "this node's name (default: host name) [ORCH_NAME]")
    .option("--data-dir <path>", `agent data folder (default: ${agent_data_dir_default}) [ORCH_AGENT_DATA_DIR]`)
    .option("--bind <address>", `address the logs endpoint listens on (default: ${bind_default}) [ORCH_BIND]`)
    .option("--advertise <address>", "address servers reach this agent at [ORCH_ADVERTISE]")
    .option("--http-port <port>", `port of the agent's logs endpoint (default: ${agent_http_port_default}) [ORCH_AGENT_HTTP_PORT]`)
    .option("--cpus <n>", "CPUs this machine has, instead of the detected count [ORCH_CPUS]")
    .option("--mem <bytes>", "memory this machine has, e.g. 8g, 512m (default: detected) [ORCH_MEM]")
    .option("--reserve-cpus <n>", "CPUs kept for the host (default: 0.1) [ORCH_RESERVE_CPUS]")
    .option("--reserve-mem <bytes>", "memory kept for the host (default: 256m) [ORCH_RESERVE_MEM]")
    .option("--attr <key=value>", "attribute for placement constraints; repeat for more", collect)
    .option("--driver <kind>", "docker or mock (default: docker) [ORCH_DRIVER]")
    .option("--docker-socket <path>", "Docker engine socket (default: /var/run/docker.sock) [ORCH_DOCKER_SOCKET]")
    .option("--config <file>", "JSON file with any of the flags above by their long names (attr: a list)")
    .option("--log-level <level>", "debug, info, warn or error (default: info) [ORCH_LOG_LEVEL]")
    .addHelpText(
      "after",
      `
Examples:
  orch agent --join 10.0.0.1:4640,10.0.0.2:4640,10.0.0.3:4640 --attr rack=r1
  orch agent --join 127.0.0.1:4640 --mem 4g --cpus 2 --data-dir ./agent1 --http-port 4652
Stopping the agent (SIGTERM) leaves its tasks running; a restart with the same --data-dir reattaches to them.`,
    )
    .action(async (flags: AgentFlags) => {
      const { log_level, ...options } = compileAgentOptions(flags, process.env);
      const logger = streamLogger(log_level);
      const { Agent } = await loadAgent();
      const agent = await Agent.start({ ...options, logger });
      await untilStopped(logger, () => agent.stop());
    });
}
