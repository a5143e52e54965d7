// The logger the transport writes to; passed in so tests stay quiet and servers choose the sink.

export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export type LogLevel = "debug" | "info" | "warn" | "error";

/** Drops everything: the default, so a library never prints unasked. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

export interface LogRecord {
  readonly level: LogLevel;
  readonly msg: string;
  readonly fields: LogFields;
}

/** Keeps records in memory (bounded) so tests can assert what a person would read. */
export class MemoryLogger implements Logger {
  readonly records: LogRecord[] = [];

  constructor(private readonly records_max = 10_000) {}

  debug(msg: string, fields: LogFields = {}): void {
    this.push("debug", msg, fields);
  }
  info(msg: string, fields: LogFields = {}): void {
    this.push("info", msg, fields);
  }
  warn(msg: string, fields: LogFields = {}): void {
    this.push("warn", msg, fields);
  }
  error(msg: string, fields: LogFields = {}): void {
    this.push("error", msg, fields);
  }

  /** Records at warn or error whose text contains `part`. */
  problems(part: string): LogRecord[] {
    return this.records.filter((r) => (r.level === "warn" || r.level === "error") && r.msg.includes(part));
  }

  private push(level: LogLevel, msg: string, fields: LogFields): void {
    if (this.records.length >= this.records_max) this.records.shift();
    this.records.push({ level, msg, fields });
  }
}
