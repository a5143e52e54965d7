// Command line of the chaos suite: parses --minutes, --seed, --servers, --faults and runs one run.
import { runChaos, formatSummary } from "./run.js";
import { fault_kinds, type FaultKind } from "./nemesis.js";
import { teardownLeftovers } from "./teardown.js";

const usage = `usage: npx tsx scripts/chaos/main.ts [--minutes M] [--seed N] [--servers 3|5] [--faults k1,k2|all] [--keep-logs]
faults: ${fault_kinds.join(", ")}`;

function fail(message: string): never {
  process.stderr.write(`chaos: ${message}\n${usage}\n`);
  process.exit(2);
}

function parse(argv: string[]): { minutes: number; seed: number; servers: 3 | 5; faults: Set<FaultKind>; keepLogs: boolean } {
  let minutes = 2;
  let seed = Math.floor(Math.random() * 1_000_000);
  let servers: 3 | 5 = 3;
  let faults = new Set<FaultKind>(fault_kinds);
  let keepLogs = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string => argv[++i] ?? fail(`${flag} needs a value`);
    if (flag === "--minutes") {
      minutes = Number(value());
      if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 24 * 60) fail(`--minutes ${argv[i]} must be a number from 0 to 1440`);
    } else if (flag === "--seed") {
      seed = Number(value());
      if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) fail(`--seed ${argv[i]} must be a whole number from 0 to 4294967295`);
    } else if (flag === "--servers") {
      const n = Number(value());
      if (n !== 3 && n !== 5) fail(`--servers ${argv[i]} must be 3 or 5`);
      servers = n;
    } else if (flag === "--faults") {
      const v = value();
      if (v !== "all") {
        const asked = v.split(",").filter((x) => x !== "");
        for (const k of asked) if (!(fault_kinds as readonly string[]).includes(k)) fail(`unknown fault ${JSON.stringify(k)}`);
        faults = new Set(asked as FaultKind[]);
      }
    } else if (flag === "--keep-logs") keepLogs = true;
    else if (flag === "-h" || flag === "--help") {
      process.stdout.write(`${usage}\n`);
      process.exit(0);
    } else fail(`unknown argument ${JSON.stringify(flag)}`);
  }
  return { minutes, seed, servers, faults, keepLogs };
}

if (process.argv[2] === "--teardown") {
  const problems = await teardownLeftovers();
  for (const p of problems) process.stderr.write(`chaos: teardown: ${p}\n`);
  process.exit(problems.length === 0 ? 0 : 1);
}
const o = parse(process.argv.slice(2));
const say = (line: string): void => {
  process.stdout.write(`chaos: ${line}\n`);
};
let interrupted = false;
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    say(`interrupted (${sig}); seed ${o.seed}; tearing down`);
    // runChaos's finally tears down too, but it may be stuck waiting; do the network now and leave.
    void teardownLeftovers().finally(() => process.exit(130));
  });
}
try {
  const summary = await runChaos({ ...o, say });
  process.stdout.write(`${formatSummary(summary)}\n`);
  process.exit(summary.ok ? 0 : 1);
} catch (err) {
  process.stderr.write(`chaos: run failed before its checks (seed ${o.seed}): ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
}
