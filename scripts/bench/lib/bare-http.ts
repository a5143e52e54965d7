// A bare node:http server that takes the same PUT as orch and answers a small JSON body, storing
// nothing: the floor under any Node HTTP API on this machine (no Raft, no disk, no state machine).
import { spawn, type ChildProcess } from "node:child_process";
import { onCleanup, trackProcess } from "./cleanup.js";
import type { LoadTarget, Member } from "./system.js";

const start_timeout_ms = 10_000;
const body_bytes_max = 1 << 20;

// Reads the body (bounded, as orch does), answers 200 with JSON naming the key and a counter.
const server_source = `
const http = require("node:http");
let index = 0;
const server = http.createServer((req, res) => {
  const chunks = [];
  let bytes = 0;
  req.on("data", (c) => { bytes += c.length; if (bytes <= ${body_bytes_max}) chunks.push(c); });
  req.on("end", () => {
    const status = bytes > ${body_bytes_max} ? 413 : 200;
    const value = Buffer.concat(chunks);
    const body = JSON.stringify({ key: req.url, modify_index: ++index, bytes: value.length });
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(server.address().port + "\\n"));
`;

export class BareHttp implements LoadTarget {
  private constructor(
    private readonly proc: ChildProcess,
    private readonly port: number,
  ) {}

  static async start(): Promise<BareHttp> {
    const proc = spawn(process.execPath, ["-e", server_source], { stdio: ["ignore", "pipe", "inherit"], env: { PATH: "/usr/bin:/bin" } });
    trackProcess(proc);
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the bare node:http server did not start within ${start_timeout_ms} ms`)), start_timeout_ms);
      proc.stdout!.once("data", (d: Buffer) => {
        clearTimeout(timer);
        resolve(Number(d.toString("utf8").trim()));
      });
      proc.once("exit", (code) => reject(new Error(`the bare node:http server exited with code ${code}`)));
    });
    const b = new BareHttp(proc, port);
    onCleanup(() => b.destroy());
    return b;
  }

  members(): Member[] {
    return [{ name: "http", client_port: this.port, pid: this.proc.pid }];
  }

  putRequest(m: Member, key: string, value: Buffer): ReturnType<LoadTarget["putRequest"]> {
    return { method: "PUT", port: m.client_port, path: `/v1/kv/${encodeURIComponent(key)}`, body: value, content_type: "application/octet-stream" };
  }

  destroy(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return Promise.resolve();
    const gone = new Promise<void>((r) => this.proc.once("exit", () => r()));
    this.proc.kill("SIGKILL");
    return gone;
  }
}
