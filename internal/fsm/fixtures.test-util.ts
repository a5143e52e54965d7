// A complete ServiceSpec for tests: every field set, each test overriding only what it is about.
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
