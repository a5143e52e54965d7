// A bounded stream of unique key writes against a cluster, recording which were acknowledged.
import type { TestCluster } from "../support/cluster.js";

export interface WriteLoad {
  acked: Set<string>;
  failed: number;
  stop(): Promise<void>;
}

/** Writers keep going until stop() or until `writes_max` were attempted. */
export function startWrites(c: TestCluster, targets: () => string[], opts: { writers: number; prefix: string; writes_max: number }): WriteLoad {
  const acked = new Set<string>();
  let stopped = false;
  let attempted = 0;
  let failed = 0;
  const writer = async (w: number): Promise<void> => {
    for (let i = 0; !stopped && attempted < opts.writes_max; i++) {
      attempted++;
      const names = targets();
      const name = names[(w + i) % names.length]!;
      const key = `${opts.prefix}-${w}-${i}`;
      try {
        const r = await c.put(name, key, `v${i}`);
        if (r.ok) acked.add(key);
        else failed++;
        await r.arrayBuffer();
      } catch {
        failed++;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  const all = Promise.all(Array.from({ length: opts.writers }, (_, w) => writer(w)));
  return {
    acked,
    get failed() {
      return failed;
    },
    async stop() {
      stopped = true;
      await all;
    },
  };
}
