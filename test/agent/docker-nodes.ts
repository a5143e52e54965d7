// Finds and removes the containers an agent made on the real engine, by the driver's node label.
import Dockerode from "dockerode";
import { label_node_id, label_task_id } from "../../internal/driver/spec.js";

export const docker = new Dockerode();

export async function containersOf(node_id: string, task_id?: string): Promise<Dockerode.ContainerInfo[]> {
  const label = [`${label_node_id}=${node_id}`, ...(task_id !== undefined ? [`${label_task_id}=${task_id}`] : [])];
  return docker.listContainers({ all: true, filters: { label } });
}

export async function removeContainersOf(node_ids: Iterable<string>): Promise<void> {
  for (const node_id of node_ids) {
    const containers = await containersOf(node_id);
    await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  }
}
