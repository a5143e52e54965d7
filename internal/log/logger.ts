// The process logger: one line per event on stderr, level-filtered, fields as key=value.
import type { Logger, LogFields } from "../transport/index.js";

export type { Logger, LogFields } from "../transport/index.js";

export type LogLevel = "debug" | "info" | "warn" | "error";
const rank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

function fmt(v: string | number | boolean | undefined): string {
  const s = String(v);
  return /^[\w.:/@-]*$/.test(s) && s !== "" ? s : JSON.stringify(s);
}

export function streamLogger(
  level: LogLevel,
  write: (line: string) => void = (l) => process.stderr.write(l),
  base: LogFields = {},
): Logger {
  const emit = (lv: LogLevel, msg: string, fields: LogFields = {}): void => {
    if (rank[lv] < rank[level]) return;
    const all = { ...base, ...fields };
    const tail = Object.entries(all)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => ` ${k}=${fmt(v)}`)
      .join("");
    write(`${new Date().toISOString()} ${lv.toUpperCase().padEnd(5)} ${msg}${tail}\n`);
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
  };
}

export function parseLogLevel(raw: string): LogLevel | undefined {
  return raw in rank ? (raw as LogLevel) : undefined;
}
