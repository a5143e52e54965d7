// Doctor check: a TCP port orch will listen on is free on the chosen address.
import net from "node:net";
import type { CheckResult } from "./check.js";

export async function checkPort(name: string, host: string, port: number, flag: string): Promise<CheckResult> {
  const where = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    const srv = net.createServer();
    srv.once("error", (e: NodeJS.ErrnoException) => resolve(e));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(null)));
  });
  if (err === null) return { name, ok: true, detail: `${where} is free`, facts: { host, port } };
  const fix =
    err.code === "EADDRINUSE"
      ? `stop what listens there (\`ss -ltnp 'sport = :${port}'\` shows it) or choose another port with ${flag}`
      : err.code === "EACCES"
        ? `ports below 1024 need root; choose a port above 1024 with ${flag}`
        : err.code === "EADDRNOTAVAIL"
          ? `${host} is not an address of this machine; choose one of its addresses with --bind`
          : `choose another port with ${flag}`;
  return { name, ok: false, detail: `cannot listen on ${where} (${err.code ?? err.message})`, fix, facts: { host, port } };
}
