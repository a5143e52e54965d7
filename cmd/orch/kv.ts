// `orch kv put|get|del|list`: the replicated key-value store from the command line.
import type { Command } from "commander";
import { readJson, errorOf } from "../../internal/client/client.js";
import { UsageError } from "../../internal/cli/errors.js";
import { clientOf, printJson, table } from "./context.js";

/** Bound on a value read from standard input (the server's own limit is 1 MiB). */
const stdin_bytes_max = 1024 * 1024 + 1;

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of process.stdin as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > stdin_bytes_max) throw new UsageError(`the value on standard input is larger than ${stdin_bytes_max - 1} bytes, the most a key can hold`);
    chunks.push(c);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function parseCas(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw new UsageError(`--cas ${JSON.stringify(raw)} is not an index: give the modify index from orch kv get --json (0: only if absent)`);
  return Number(raw);
}

const keyPath = (key: string): string => `/v1/kv/${key.split("/").map(encodeURIComponent).join("/")}`;

export function registerKv(program: Command): void {
  const kv = program.command("kv").description("read and write the replicated key-value store");

  kv.command("put <key> [value]")
    .description("set a key (value from the argument, or standard input when omitted or -)")
    .option("--cas <index>", "only if the key's modify index is this (0: only if absent)")
    .option("--json", "print the result as JSON")
    .action(async (key: string, value: string | undefined, opts: { cas?: string; json?: boolean }, cmd: Command) => {
      const cas = parseCas(opts.cas);
      const body = value === undefined || value === "-" ? await readStdin() : new TextEncoder().encode(value);
      const r = await clientOf(cmd).json<{ modify_index: number }>("PUT", keyPath(key), { body, query: { cas } });
      if (opts.json === true) printJson(r);
      else process.stdout.write(`${key} set at index ${r.modify_index}\n`);
    });

  kv.command("get <key>")
    .description("print a key's value")
    .option("--stale", "answer from this server's state without asking the leader (faster, may lag)")
    .option("--json", "print value (base64 and text), create and modify index as JSON")
    .action(async (key: string, opts: { stale?: boolean; json?: boolean }, cmd: Command) => {
      const res = await clientOf(cmd).request("GET", keyPath(key), { query: { stale: opts.stale === true } });
      if (!res.ok) throw errorOf(res.status, await readJson(res).catch((e: unknown) => (e as { body?: unknown }).body));
      const value = new Uint8Array(await res.arrayBuffer());
      if (opts.json === true) {
        printJson({
          key,
          value: new TextDecoder().decode(value),
          value_b64: Buffer.from(value).toString("base64"),
          create_index: Number(res.headers.get("x-orch-create-index")),
          modify_index: Number(res.headers.get("x-orch-modify-index")),
        });
      } else process.stdout.write(value);
    });

  kv.command("del <key>")
    .alias("delete")
    .description("delete a key")
    .option("--cas <index>", "only if the key's modify index is this")
    .action(async (key: string, opts: { cas?: string }, cmd: Command) => {
      const cas = parseCas(opts.cas);
      await clientOf(cmd).json("DELETE", keyPath(key), { query: { cas } });
      process.stdout.write(`${key} deleted\n`);
    });

  kv.command("list [prefix]")
    .alias("ls")
    .description("list keys, optionally under a prefix")
    .option("--stale", "answer from this server's state without asking the leader")
    .option("--limit <n>", "at most this many keys (default 1000)")
    .option("--json", "print as JSON")
    .action(async (prefix: string | undefined, opts: { stale?: boolean; limit?: string; json?: boolean }, cmd: Command) => {
      if (opts.limit !== undefined && !/^\d+$/.test(opts.limit)) throw new UsageError(`--limit ${JSON.stringify(opts.limit)} is not a whole number`);
      const r = await clientOf(cmd).json<{ keys: { key: string; create_index: number; modify_index: number; size_bytes: number }[]; truncated: boolean }>("GET", "/v1/kv", {
        query: { prefix, stale: opts.stale === true, limit: opts.limit },
      });
      if (opts.json === true) return printJson(r);
      process.stdout.write(table(["KEY", "SIZE", "MODIFY INDEX"], r.keys.map((k) => [k.key, `${k.size_bytes} B`, String(k.modify_index)])));
      if (r.truncated) process.stdout.write("(more keys: raise --limit or narrow the prefix)\n");
    });
}
