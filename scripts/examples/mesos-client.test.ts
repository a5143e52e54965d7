// The example Mesos client reads a RecordIO stream however the bytes are split: records cut in
// pieces, a large record in many chunks, two records in one chunk, a length split from its record.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { MesosScheduler, type MesosEvent } from "./mesos-client.js";

const servers: http.Server[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

function record(e: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(e));
  return Buffer.concat([Buffer.from(`${body.length}\n`), body]);
}

/** A master that answers SUBSCRIBE with these events, written in pieces of the given sizes (cycled). */
async function master(events: unknown[], piece_sizes: number[]): Promise<string> {
  const bytes = Buffer.concat(events.map(record));
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "application/json", "mesos-stream-id": "stream-1" });
    let at = 0;
    let i = 0;
    const next = (): void => {
      if (at >= bytes.length) return;
      const n = piece_sizes[i++ % piece_sizes.length]!;
      res.write(bytes.subarray(at, at + n));
      at += n;
      setImmediate(next);
    };
    next();
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const offers = { type: "OFFERS", offers: { offers: Array.from({ length: 2_000 }, (_, i) => ({ id: { value: `o-${i}` }, hostname: `host-${"é".repeat(i % 7)}` })) } };
const events = [{ type: "SUBSCRIBED", subscribed: { framework_id: { value: "fw-1" }, heartbeat_interval_seconds: 15 } }, { type: "HEARTBEAT" }, offers, { type: "HEARTBEAT" }, { type: "RESCIND", rescind: { offer_id: { value: "o-1" } } }];

describe("MesosScheduler's RecordIO reading", () => {
  for (const [what, sizes] of [
    ["one byte at a time near the start, then 64 KiB chunks", [1, 1, 1, 2, 3, 65_536]],
    ["odd chunk sizes", [7, 4_093, 13, 100_003]],
    ["everything at once", [10_000_000]],
  ] as const) {
    it(`gives every event whole and in order: ${what}`, async () => {
      const s = new MesosScheduler(await master(events, [...sizes]), { user: "root", name: "t" }, { keep_events: false });
      const got: MesosEvent[] = [];
      const times: number[] = [];
      // Set up before SUBSCRIBE: with every byte in one chunk, all events arrive in one turn.
      const last = new Promise<void>((resolve) =>
        s.onEvent((e, received_ms) => {
          got.push(e);
          times.push(received_ms);
          if (e.type === "RESCIND") resolve();
        }),
      );
      expect(await s.subscribe()).toBe("fw-1");
      await last;
      s.close();
      expect(got).toEqual(events);
      // Not kept when told so; each arrival time is a moment of this process's clock, in order.
      expect(s.events).toEqual([]);
      expect(times.every((t, i) => t <= performance.now() && (i === 0 || t >= times[i - 1]!))).toBe(true);
    });
  }
});
