// Validates the query of the agent's logs endpoint into LogOptions; a bad parameter names itself and what is accepted.
import type { LogOptions } from "../driver/types.js";
import { log_lines_default, log_lines_max, log_tail_lines_max } from "./limits.js";

export class QueryError extends Error {
  readonly code = "invalid_query";
}

const known = new Set(["follow", "stdout", "stderr", "timestamps", "tail", "max_lines"]);

/** `?follow` and `?follow=true|1` mean yes, `=false|0` no. */
function flag(params: URLSearchParams, name: string): boolean | undefined {
  const raw = params.get(name);
  if (raw === null) return undefined;
  if (raw === "" || raw === "true" || raw === "1") return true;
  if (raw === "false" || raw === "0") return false;
  throw new QueryError(`${name}=${JSON.stringify(raw)} is not a flag: give ${name}, ${name}=true or ${name}=false`);
}

function count(params: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = params.get(name);
  if (raw === null) return undefined;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new QueryError(`${name}=${JSON.stringify(raw)} is not accepted: give a whole number from ${min} to ${max}`);
  }
  return Number(raw);
}

/** Without stdout or stderr both streams come; naming one picks it alone. */
export function logOptionsOf(params: URLSearchParams): Omit<LogOptions, "signal"> {
  for (const name of params.keys()) {
    if (!known.has(name)) throw new QueryError(`unknown parameter ${JSON.stringify(name)}: use ${[...known].join(", ")}`);
  }
  const stdout = flag(params, "stdout");
  const stderr = flag(params, "stderr");
  const either = stdout !== undefined || stderr !== undefined;
  if (either && stdout !== true && stderr !== true) throw new QueryError("stdout and stderr are both off: ask for at least one stream");
  const tail_lines = count(params, "tail", 0, log_tail_lines_max);
  return {
    stdout: either ? stdout === true : true,
    stderr: either ? stderr === true : true,
    follow: flag(params, "follow") ?? false,
    timestamps: flag(params, "timestamps") ?? false,
    max_lines: count(params, "max_lines", 1, log_lines_max) ?? log_lines_default,
    ...(tail_lines !== undefined ? { tail_lines } : {}),
  };
}
