// Makes the agent's Driver from a kind (docker, mock), a factory, or an instance, tied to the store's node id and stop intents.
import Dockerode from "dockerode";
import { DockerDriver } from "../driver/docker.js";
import { MockDriver } from "../driver/mock.js";
import type { StopIntents } from "../driver/stop-intents.js";
import type { Driver } from "../driver/types.js";
import { WallClockMock } from "./mock-runtime.js";

export type DriverKind = "docker" | "mock";

/** Builds a driver for this node; given the durable stop intents so KILLED survives restarts. */
export type DriverFactory = (context: { node_id: string; stop_intents: StopIntents }) => Driver;

export type DriverChoice = DriverKind | Driver | DriverFactory;

export interface MadeDriver {
  driver: Driver;
  kind: DriverKind;
  close: () => void;
}

export function makeDriver(
  choice: DriverChoice,
  context: { node_id: string; stop_intents: StopIntents; docker_socket?: string; kind?: DriverKind },
): MadeDriver {
  if (choice === "docker") {
    const docker = context.docker_socket === undefined ? new Dockerode() : new Dockerode({ socketPath: context.docker_socket });
    return { driver: new DockerDriver({ node_id: context.node_id, docker, stop_intents: context.stop_intents }), kind: "docker", close: () => undefined };
  }
  if (choice === "mock") {
    const mock = new WallClockMock();
    return { driver: mock.driver(context.node_id, context.stop_intents), kind: "mock", close: () => mock.close() };
  }
  const driver = typeof choice === "function" ? choice(context) : choice;
  if (driver.node_id !== context.node_id) {
    throw new Error(
      `the driver given to the agent works for node ${driver.node_id}, but this data folder belongs to node ${context.node_id}: ` +
        `pass a factory (it receives the node id) or build the driver with that id`,
    );
  }
  return { driver, kind: context.kind ?? (driver instanceof MockDriver ? "mock" : "docker"), close: () => undefined };
}
