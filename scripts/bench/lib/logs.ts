// Counts warning and error lines in server logs so a benchmark can say whether the servers complained.
import { copyFile, mkdir, readFile } from "node:fs/promises";
import path from "node:path";

const sample_max = 8;

export async function digestLogs(files: string[], isBad: (line: string) => boolean): Promise<{ lines_total: number; warn_or_error: number; sample: string[] }> {
  let lines_total = 0;
  let warn_or_error = 0;
  const sample: string[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    const text = await readFile(f, "utf8").catch(() => "");
    for (const line of text.split("\n")) {
      if (line === "") continue;
      lines_total++;
      if (!isBad(line)) continue;
      warn_or_error++;
      // One example per distinct message (timestamps and numbers stripped).
      const shape = line.replace(/[0-9]+/g, "#").slice(0, 120);
      if (!seen.has(shape) && sample.length < sample_max) {
        seen.add(shape);
        sample.push(line.slice(0, 300));
      }
    }
  }
  return { lines_total, warn_or_error, sample };
}

/** Copies log files into dir as PREFIX-NAME (for a look after the temp folders are gone). */
export async function copyLogs(files: string[], dir: string, prefix: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const f of files) await copyFile(f, path.join(dir, `${prefix}-${path.basename(f)}`)).catch(() => undefined);
}
