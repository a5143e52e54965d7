// `orch doctor`: checks what orch needs on this machine and says how to fix what is missing.
import type { Command } from "commander";
import { judge, type CheckResult, type DoctorReport } from "../../internal/doctor/check.js";
import { checkDataDir } from "../../internal/doctor/datadir.js";
import { checkDocker, dockerTargetFromEnv } from "../../internal/doctor/docker.js";
import { checkPort } from "../../internal/doctor/port.js";
import { exit_failure, exit_ok } from "../../internal/cli/errors.js";
import { parseHost, parsePort } from "../../internal/cli/flags.js";
import { bind_address_default, data_dir_default, http_port_default, raft_port_default } from "../../internal/defaults.js";

interface DoctorOptions {
  dataDir: string;
  bind: string;
  httpPort: string;
  raftPort: string;
  dockerSocket?: string;
  json?: boolean;
}

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description("check this machine: Docker engine, data folder, ports; say how to fix what fails")
    .option("--data-dir <path>", "data folder orch will use", process.env["ORCH_DATA_DIR"] ?? data_dir_default)
    .option("--bind <address>", "address orch will listen on", bind_address_default)
    .option("--http-port <port>", "HTTP API port", String(http_port_default))
    .option("--raft-port <port>", "server-to-server Raft port", String(raft_port_default))
    .option("--docker-socket <path>", "Docker engine socket (default: $DOCKER_HOST or /var/run/docker.sock)")
    .option("--json", "print the report as JSON")
    .action(async (opts: DoctorOptions) => {
      const bind = parseHost("--bind", opts.bind);
      const httpPort = parsePort("--http-port", opts.httpPort);
      const raftPort = parsePort("--raft-port", opts.raftPort);
      const docker = opts.dockerSocket !== undefined ? { socketPath: opts.dockerSocket } : dockerTargetFromEnv();
      const checks = await Promise.all([
        checkDocker(docker),
        checkDataDir(opts.dataDir),
        checkPort("port_http", bind, httpPort, "--http-port"),
        checkPort("port_raft", bind, raftPort, "--raft-port"),
      ]);
      const report = judge(checks);
      process.stdout.write(opts.json === true ? JSON.stringify(report, null, 2) + "\n" : render(report));
      process.exitCode = report.ok ? exit_ok : exit_failure;
    });
}

const labels: Record<string, string> = {
  docker: "Docker engine",
  data_dir: "data folder",
  port_http: "HTTP port",
  port_raft: "Raft port",
};

function render(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((c) => (labels[c.name] ?? c.name).length));
  const line = (c: CheckResult): string => {
    const head = `${c.ok ? "ok  " : "FAIL"}  ${(labels[c.name] ?? c.name).padEnd(width)}  ${c.detail}\n`;
    return c.fix === undefined ? head : `${head}${" ".repeat(width + 8)}fix: ${c.fix}\n`;
  };
  const failed = report.checks.filter((c) => !c.ok).length;
  const summary = failed === 0 ? "all checks passed\n" : `${failed} of ${report.checks.length} checks failed\n`;
  return report.checks.map(line).join("") + summary;
}
