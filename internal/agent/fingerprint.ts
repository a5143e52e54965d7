// What this machine offers tasks: CPUs, memory and disk minus a host reserve, plus attributes to match constraints on.
import { statfs } from "node:fs/promises";
import os from "node:os";
import { attribute_chars_max, attributes_max, type NodeResources } from "../api/agent.js";
import { UsageError } from "../cli/errors.js";

/** Left to the host (the OS, dockerd, the agent) unless --reserve-cpus / --reserve-mem say otherwise. */
export const reserve_cpus_default = 0.1;
export const reserve_memory_bytes_default = 256 * 1024 * 1024;
/** The reserve never takes more than this share of the machine, so a small one still offers something. */
export const reserve_share_max = 0.5;

export interface FingerprintOptions {
  data_dir: string;
  /** Overrides of what the machine has (before the reserve). */
  cpus?: number;
  memory_bytes?: number;
  reserve_cpus?: number;
  reserve_memory_bytes?: number;
  /** The user's --attr k=v; they win over the built-in ones. */
  attributes?: Record<string, string>;
}

export interface Fingerprint {
  resources: NodeResources;
  attributes: Record<string, string>;
  /** What the machine has before the reserve, for the log line at start. */
  total: { cpus: number; memory_bytes: number };
}

export async function fingerprint(options: FingerprintOptions): Promise<Fingerprint> {
  const total_cpus = options.cpus ?? os.availableParallelism();
  const total_memory_bytes = options.memory_bytes ?? os.totalmem();
  const reserve_cpus = Math.min(options.reserve_cpus ?? reserve_cpus_default, total_cpus * reserve_share_max);
  const reserve_memory_bytes = Math.min(
    options.reserve_memory_bytes ?? reserve_memory_bytes_default,
    Math.floor(total_memory_bytes * reserve_share_max),
  );
  const fs = await statfs(options.data_dir);
  return {
    resources: {
      // Two decimals: the allocator compares sums of these, and 0.30000000000000004 helps nobody.
      cpus: Math.round((total_cpus - reserve_cpus) * 100) / 100,
      memory_bytes: total_memory_bytes - reserve_memory_bytes,
      disk_bytes: fs.bavail * fs.bsize,
    },
    attributes: {
      hostname: os.hostname(),
      os: os.platform(),
      arch: os.arch(),
      ...options.attributes,
    },
    total: { cpus: total_cpus, memory_bytes: total_memory_bytes },
  };
}

/** `--attr k=v` values into a map; keys are [A-Za-z0-9_.-], bounded in count and length. */
export function parseAttributes(flag: string, raws: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of raws) {
    const at = raw.indexOf("=");
    const key = at < 0 ? "" : raw.slice(0, at).trim();
    const value = at < 0 ? "" : raw.slice(at + 1).trim();
    if (!/^[A-Za-z0-9_.-]+$/.test(key)) {
      throw new UsageError(`${flag} ${JSON.stringify(raw)} is not key=value: give e.g. ${flag} rack=r1 (keys use A-Z a-z 0-9 _ . -)`);
    }
    if (key.length > attribute_chars_max || value.length > attribute_chars_max) {
      throw new UsageError(`${flag} ${JSON.stringify(raw)} is too long: keys and values hold at most ${attribute_chars_max} characters`);
    }
    out[key] = value;
  }
  // Three built-in attributes join these.
  if (Object.keys(out).length + 3 > attributes_max) {
    throw new UsageError(`${flag} given ${Object.keys(out).length} times: at most ${attributes_max - 3} attributes are accepted`);
  }
  return out;
}
