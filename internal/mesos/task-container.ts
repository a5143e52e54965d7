// A Mesos ContainerInfo as what orch's Docker driver runs: image, network, published ports, pull policy, options.
import type { Range } from "./types-common.js";
import type { ContainerInfo, DockerInfo, Image } from "./types-task.js";

/** Options from DockerInfo.parameters that cannot loosen a container's limits or reach the host. */
export const docker_parameters_allowed = ["label", "env", "user", "workdir", "hostname", "stop-signal", "read-only"] as const;

export interface ContainerPlan {
  image: string;
  /** HOST shares the node's network (Mesos's default); BRIDGE publishes port mappings. */
  network: "host" | "bridge" | "none";
  port_mappings: { host_port: number; container_port: number; protocol: "tcp" | "udp" }[];
  /** Pull even when the node has the image (DOCKER force_pull_image; MESOS image.cached false). */
  force_pull_image: boolean;
  /** From ContainerInfo.hostname and the allowlisted docker parameters; the driver applies them. */
  options: { hostname?: string; user?: string; workdir?: string; stop_signal?: string; read_only?: boolean };
  labels: Record<string, string>;
  env: Record<string, string>;
}

/** Sets "k=v" (a docker --label or --env value) as a plain entry, even for the key "__proto__". */
function setPair(into: Record<string, string>, text: string): void {
  const at = text.indexOf("=");
  const [key, value] = at === -1 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
  Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
}

function applyParameters(docker: DockerInfo, plan: ContainerPlan): string | null {
  for (const { key, value } of docker.parameters ?? []) {
    if (key === "name") return "Parameter in DockerInfo must not be 'name'";
    if (key === "label") setPair(plan.labels, value);
    else if (key === "env") setPair(plan.env, value);
    else if (key === "user") plan.options.user = value;
    else if (key === "workdir") plan.options.workdir = value;
    else if (key === "hostname") plan.options.hostname = value;
    else if (key === "stop-signal") plan.options.stop_signal = value;
    else if (key === "read-only") plan.options.read_only = value !== "false";
    else return `docker parameter '${key}' is not supported (orch passes only ${docker_parameters_allowed.join(", ")})`;
  }
  return null;
}

function dockerPlan(docker: DockerInfo, ports: readonly Range[], plan: ContainerPlan): string | null {
  if (docker.privileged === true) return "privileged containers are not supported";
  if (docker.volume_driver !== undefined) return "docker volume drivers are not supported";
  const network = docker.network ?? "HOST";
  if (network === "USER") return "docker network USER (user-defined networks) is not supported; use HOST or BRIDGE";
  plan.network = network === "BRIDGE" ? "bridge" : network === "NONE" ? "none" : "host";
  const mappings = docker.port_mappings ?? [];
  if (mappings.length > 0 && plan.network !== "bridge") return "Port mappings are only supported for bridge and user-defined networks";
  for (const m of mappings) {
    if (!ports.some((r) => r.begin <= m.host_port && m.host_port <= r.end)) return `Port [${m.host_port}] not included in resources`;
    const protocol = (m.protocol ?? "tcp").toLowerCase();
    if (protocol !== "tcp" && protocol !== "udp") return `port mapping ${m.host_port}: protocol '${m.protocol}' is not supported (tcp or udp)`;
    plan.port_mappings.push({ host_port: m.host_port, container_port: m.container_port, protocol });
  }
  plan.force_pull_image = docker.force_pull_image ?? false;
  return applyParameters(docker, plan);
}

function mesosImage(image: Image | undefined): { name: string } | string {
  if (image === undefined) return "a MESOS container needs mesos.image: orch runs every task in a Docker image";
  if (image.type !== "DOCKER" || image.docker === undefined) return "only Docker images are supported (mesos.image.type DOCKER with docker.name)";
  return { name: image.docker.name };
}

/** The plan, or a sentence naming what orch cannot run. `ports`: the task's ports resource. */
export function containerPlan(container: ContainerInfo, ports: readonly Range[]): ContainerPlan | string {
  if ((container.volumes ?? []).length > 0) return "container volumes are not supported";
  const plan: ContainerPlan = {
    image: "", network: "host", port_mappings: [], force_pull_image: false, options: {}, labels: {}, env: {},
  };
  if (container.hostname !== undefined) plan.options.hostname = container.hostname;
  if (container.type === "DOCKER") {
    if (container.docker === undefined) return "DockerInfo 'docker' is not set for DOCKER typed ContainerInfo";
    plan.image = container.docker.image;
    return dockerPlan(container.docker, ports, plan) ?? plan;
  }
  if ((container.network_infos ?? []).length > 0) return "CNI networks (network_infos) are not supported; use a DOCKER container with network BRIDGE";
  const image = mesosImage(container.mesos?.image);
  if (typeof image === "string") return image;
  plan.image = image.name;
  plan.force_pull_image = container.mesos?.image?.cached === false;
  return plan;
}
