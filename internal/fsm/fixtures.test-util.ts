// Complete records for tests (a ServiceSpec, a framework's info): every field set, each test
// overriding only what it is about.
import type { FrameworkInfoRecord } from "./frameworks.js";
import type { ServiceSpec } from "./services.js";

export function testServiceSpec(o: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    name: "web",
    kind: "service",
    image: "busybox",
    cpus: 0.5,
    memory_bytes: 64 << 20,
    disk_bytes: 0,
    count: 2,
    ports: [],
    host_ip: "0.0.0.0",
    constraints: [],
    restart: "always",
    retries_max: 3,
    role: "default",
    grace_ms: 1000,
    strategy: "binpack",
    ...o,
  };
}

export function testFrameworkInfo(o: Partial<FrameworkInfoRecord> = {}): FrameworkInfoRecord {
  return {
    name: "fw",
    user: "root",
    roles: ["*"],
    multi_role: false,
    capabilities: [],
    failover_timeout_s: 60,
    checkpoint: false,
    hostname: "",
    principal: "",
    webui_url: "",
    labels: [],
    ...o,
  };
}
