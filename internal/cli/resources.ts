// A role's guarantee or limit as people write it: "cpus=8,mem=16g,disk=100g", or "none" to clear it.
import type { RoleResources } from "../api/roles.js";
import { UsageError } from "./errors.js";
import { formatBytes, formatCpus, parseBytes, parseCpus } from "./units.js";

const keys: Record<string, keyof RoleResources> = { cpus: "cpus", cpu: "cpus", mem: "memory_bytes", memory: "memory_bytes", disk: "disk_bytes" };

/** null for "none" (clear it); else the resources named, each at most once; 0 is allowed (nothing of it). */
export function parseRoleResources(flag: string, raw: string): RoleResources | null {
  const text = raw.trim();
  if (text === "none") return null;
  if (text === "") throw new UsageError(`${flag} is empty: write it like cpus=8,mem=16g,disk=100g, or none to clear it`);
  const out: RoleResources = {};
  for (const part of text.split(",")) {
    const eq = part.indexOf("=");
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? "" : part.slice(eq + 1).trim();
    const key = keys[name];
    if (key === undefined) throw new UsageError(`${flag}: ${JSON.stringify(part.trim())} names no resource; use cpus, mem or disk, e.g. cpus=8,mem=16g`);
    if (value === "") throw new UsageError(`${flag}: ${name} has no amount; write it like ${name}=${key === "cpus" ? "8" : "16g"}`);
    if (out[key] !== undefined) throw new UsageError(`${flag}: ${name} is given twice`);
    const what = `${flag} ${name}=`;
    out[key] = /^0+(\.0+)?$/.test(value) ? 0 : key === "cpus" ? parseCpus(what, value) : parseBytes(what, value);
  }
  return out;
}

/** "cpus=8,mem=16g", or "-" when nothing is set. */
export function formatRoleResources(r: RoleResources): string {
  const parts: string[] = [];
  if (r.cpus !== undefined) parts.push(`cpus=${formatCpus(r.cpus)}`);
  if (r.memory_bytes !== undefined) parts.push(`mem=${formatBytes(r.memory_bytes)}`);
  if (r.disk_bytes !== undefined) parts.push(`disk=${formatBytes(r.disk_bytes)}`);
  return parts.length === 0 ? "-" : parts.join(",");
}
