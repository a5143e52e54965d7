// TaskInfo as orch runs it: the container command, resources, ports and env a task gets, and each refusal's message.
import { describe, expect, it } from "vitest";
import { translateTask, type MesosTaskPlan, type TranslateContext } from "./task-translate.js";
import { decodeCall } from "./call-decode.js";
import { doc_calls } from "./docs-examples.test-util.js";
import type { Resource } from "./types-resource.js";
import type { TaskInfo } from "./types-task.js";

const scalar = (name: string, value: number): Resource => ({ name, type: "SCALAR", scalar: { value } });
const resources: Resource[] = [
  scalar("cpus", 0.5), scalar("mem", 128), scalar("disk", 10),
  { name: "ports", type: "RANGES", ranges: { range: [{ begin: 31000, end: 31001 }] } },
];
const base: TaskInfo = {
  name: "web", task_id: { value: "web-1" }, agent_id: { value: "a1" }, resources,
  command: { value: "echo hi" }, container: { type: "DOCKER", docker: { image: "busybox:latest" } },
};
const context: TranslateContext = { task_id: "fw1.web-1", host_ip: "0.0.0.0" };

function plan(task: Partial<TaskInfo>, ctx: TranslateContext = context): MesosTaskPlan {
  const result = translateTask({ ...base, ...task }, ctx);
  if (!result.ok) throw new Error(result.message);
  return result.plan;
}

function refusal(task: Partial<TaskInfo>): string {
  const result = translateTask({ ...base, ...task }, context);
  if (result.ok) throw new Error("accepted");
  expect(result).toMatchObject({ state: "TASK_ERROR", source: "SOURCE_MASTER", reason: "REASON_TASK_INVALID" });
  return result.message;
}

describe("DOCKER containers", () => {
  it("shell (the default) runs /bin/sh -c value; resources become limits in bytes; Mesos's defaults apply", () => {
    const p = plan({});
    expect(p.spec).toEqual({
      task_id: "fw1.web-1", image: "busybox:latest", command: ["/bin/sh"], args: ["-c", "echo hi"], env: {},
      cpus: 0.5, memory_bytes: 128 * 1024 * 1024, labels: {},
    });
    expect(p).toMatchObject({ network: "host", force_pull_image: false, grace_ms: 3000, disk_bytes: 10 * 1024 * 1024, host_ports: [31000, 31001] });
  });

  it("without shell, value and arguments become the image's command and its entrypoint stays", () => {
    expect(plan({ command: { shell: false, value: "python", arguments: ["-m", "http.server"] } }).spec).toMatchObject({
      args: ["python", "-m", "http.server"],
    });
    const keep = plan({ command: { shell: false } }).spec;
    expect(keep.command).toBeUndefined();
    expect(keep.args).toBeUndefined();
  });

  it("BRIDGE publishes port mappings inside the ports resource on the given address", () => {
    const docker = { image: "nginx", network: "BRIDGE" as const, port_mappings: [{ host_port: 31001, container_port: 80 }, { host_port: 31000, container_port: 53, protocol: "UDP" }] };
    const p = plan({ container: { type: "DOCKER", docker } });
    expect(p.network).toBe("bridge");
    expect(p.spec.ports).toEqual([{ host_port: 31001, container_port: 80, protocol: "tcp" }, { host_port: 31000, container_port: 53, protocol: "udp" }]);
    expect(p.spec.host_ip).toBe("0.0.0.0");
  });

  it("environment, labels and allowlisted docker parameters reach the container; the task's env beats the agent's", () => {
    const p = plan(
      {
        command: { value: "env", environment: { variables: [{ name: "A", value: "task" }, { name: "B", value: "b" }] } },
        labels: { labels: [{ key: "team", value: "x" }, { key: "bare" }] },
        container: {
          type: "DOCKER", hostname: "h1",
          docker: { image: "busybox", force_pull_image: true, parameters: [{ key: "label", value: "tier=web" }, { key: "env", value: "C=c=d" }, { key: "user", value: "nobody" }] },
        },
      },
      { ...context, env: { A: "agent", MESOS_SANDBOX: "/mnt/mesos/sandbox" } },
    );
    expect(p.spec.env).toEqual({ A: "task", B: "b", C: "c=d", MESOS_SANDBOX: "/mnt/mesos/sandbox" });
    expect(p.spec.labels).toEqual({ team: "x", bare: "", tier: "web" });
    expect(p).toMatchObject({ force_pull_image: true, options: { hostname: "h1", user: "nobody" } });
  });

  it("kill_policy sets the grace period; ignored parts are listed", () => {
    const p = plan({ kill_policy: { grace_period: { nanoseconds: 10e9 } }, health_check: { type: "TCP", tcp: { port: 80 } }, command: { value: "x", user: "root" } });
    expect(p.grace_ms).toBe(10_000);
    expect(p.ignored).toEqual(["health_check", "command.user"]);
  });

  it("MULTI_ROLE resources carry their allocation role", () => {
    const r = resources.map((x) => ({ ...x, allocation_info: { role: "eng" } }));
    expect(plan({ resources: r }).role).toBe("eng");
  });
});

describe("MESOS containers with a Docker image (Mesos's entrypoint rules)", () => {
  const mesos = (cached?: boolean) => ({ type: "MESOS" as const, mesos: { image: { type: "DOCKER" as const, docker: { name: "alpine" }, ...(cached === undefined ? {} : { cached }) } } });

  it("value without shell is the program, arguments its argv with argv[0] first", () => {
    expect(plan({ container: mesos(), command: { shell: false, value: "/bin/echo", arguments: ["echo", "hi"] } }).spec).toMatchObject({
      image: "alpine", command: ["/bin/echo"], args: ["hi"],
    });
  });

  it("no value keeps the image's entrypoint, with arguments as its CMD; shell runs /bin/sh -c", () => {
    const keep = plan({ container: mesos(), command: { shell: false, arguments: ["--port", "80"] } }).spec;
    expect(keep.command).toBeUndefined();
    expect(keep.args).toEqual(["--port", "80"]);
    expect(plan({ container: mesos(), command: { value: "ls /" } }).spec).toMatchObject({ command: ["/bin/sh", "-c", "ls /"], args: [] });
  });

  it("image.cached false forces a pull", () => {
    expect(plan({ container: mesos(false) }).force_pull_image).toBe(true);
  });
});

describe("refusals: TASK_ERROR, REASON_TASK_INVALID, a message naming what", () => {
  const docker = (extra: object) => ({ type: "DOCKER" as const, docker: { image: "busybox", ...extra } });
  const cases: [string, Partial<TaskInfo>, string | RegExp][] = [
    ["custom executor", { command: undefined, executor: { executor_id: { value: "e" }, command: { value: "x" } } }, /^custom executors are not supported/],
    ["command and executor", { executor: { executor_id: { value: "e" } } }, "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present"],
    ["neither command nor executor", { command: undefined }, "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present"],
    ["no container", { container: undefined }, /^a container is required: orch runs every task in a Docker image/],
    ["privileged", { container: docker({ privileged: true }) }, "privileged containers are not supported"],
    ["URIs", { command: { value: "x", uris: [{ value: "http://x/y.tgz" }] } }, /^command URIs are not supported/],
    ["GPUs", { resources: [...resources, scalar("gpus", 1)] }, "GPUs are not supported"],
    ["volumes", { container: { ...docker({}), volumes: [{ mode: "RW", container_path: "/data", host_path: "/srv" }] } }, "container volumes are not supported"],
    ["no resources", { resources: [] }, "Task uses no resources"],
    ["no mem", { resources: [scalar("cpus", 1)] }, "Task must ask for cpus and mem: orch enforces both as limits"],
    ["a resource orch does not offer", { resources: [...resources, scalar("fpgas", 1)] }, "Resource 'fpgas' is not offered by orch (it offers cpus, mem, disk, ports)"],
    ["reserved resources", { resources: [{ ...scalar("cpus", 1), role: "db" }, scalar("mem", 64)] }, /^Resource 'cpus': reserved resources are not supported/],
    ["two allocation roles", { resources: [{ ...scalar("cpus", 1), allocation_info: { role: "a" } }, { ...scalar("mem", 64), allocation_info: { role: "b" } }] }, /^Invalid task resources: the resources have multiple allocation roles/],
    ["resource limits", { limits: { mem: { value: 512 } } }, /^task resource limits are not supported/],
    ["max completion time", { max_completion_time: { nanoseconds: 1e9 } }, "max_completion_time is not supported"],
    ["a secret in the environment", { command: { value: "x", environment: { variables: [{ name: "K", type: "SECRET", secret: {} }] } } }, "Environment variable 'K': secrets are not supported"],
    ["shell without a value", { command: { shell: true } }, "Shell specified but no command value provided"],
    ["USER network", { container: docker({ network: "USER" }) }, /^docker network USER \(user-defined networks\) is not supported/],
    ["port mappings on HOST", { container: docker({ port_mappings: [{ host_port: 31000, container_port: 80 }] }) }, "Port mappings are only supported for bridge and user-defined networks"],
    ["a host port outside the ports resource", { container: docker({ network: "BRIDGE", port_mappings: [{ host_port: 8080, container_port: 80 }] }) }, "Port [8080] not included in resources"],
    ["docker parameter off the allowlist", { container: docker({ parameters: [{ key: "cap-add", value: "SYS_ADMIN" }] }) }, /^docker parameter 'cap-add' is not supported/],
    ["docker parameter name", { container: docker({ parameters: [{ key: "name", value: "x" }] }) }, "Parameter in DockerInfo must not be 'name'"],
    ["an APPC image", { container: { type: "MESOS", mesos: { image: { type: "APPC", appc: { name: "x" } } } } }, /^only Docker images are supported/],
    ["a MESOS container without an image", { container: { type: "MESOS" } }, /^a MESOS container needs mesos.image/],
    ["a task id with a slash", { task_id: { value: "a/b" } }, "'a/b' contains invalid characters"],
    ["a negative grace period", { kill_policy: { grace_period: { nanoseconds: -1 } } }, "Task's 'kill_policy.grace_period' must be non-negative"],
    ["too many ports", { resources: [scalar("cpus", 1), scalar("mem", 64), { name: "ports", type: "RANGES", ranges: { range: [{ begin: 1000, end: 3000 }] } }] }, "Task asks for 2001 ports; at most 1024 are supported"],
    ["a reserved label prefix", { labels: { labels: [{ key: "orch.task_id", value: "x" }] } }, /label orch.task_id uses the reserved prefix "orch."/],
    ["too little memory for the engine", { resources: [scalar("cpus", 1), scalar("mem", 1)] }, /^memory_bytes is 1048576; give a whole number of at least/],
  ];
  for (const [what, task, message] of cases) {
    it(what, () => {
      if (typeof message === "string") expect(refusal(task)).toBe(message);
      else expect(refusal(task)).toMatch(message);
    });
  }

  it("the docs' ACCEPT example launches with a custom executor: refused", () => {
    const call = decodeCall(JSON.parse(doc_calls.ACCEPT));
    const task = call.accept?.operations?.[0]?.launch?.task_infos?.[0];
    if (task === undefined) throw new Error("no task");
    const result = translateTask(task, context);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/^custom executors are not supported/);
  });
});
