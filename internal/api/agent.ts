// The agent ↔ server wire contract: registration, heartbeats, the assignment stream, status updates, logs.
//
// Routes (every server answers; followers forward writes to the leader):
//   POST /v1/agent/register     RegisterRequest          → RegisterResponse
//   POST /v1/agent/heartbeat    HeartbeatRequest         → HeartbeatResponse   (404 unknown_node: register again)
//   GET  /v1/agent/assignments?node_id=ID                → NDJSON stream of AssignmentLine, never ends by itself:
//        one `assignments` line at once, another each time this node's assignments change,
//        a `keepalive` line every assignments_keepalive_ms. A reader that sees nothing for
//        3 × keepalive reconnects (to any server).
//   POST /v1/agent/status       StatusRequest            → StatusResponse      (ack after the updates are committed)
// The agent serves, on its own --http-port:
//   GET  /v1/agent/tasks/:task_id/logs?follow&stdout&stderr&timestamps&tail=N&max_lines=N
//        → NDJSON of LogLine (internal/driver/types.ts); 404 unknown_task.
// Servers proxy `GET /v1/tasks/:id/logs` to the agent that runs the task.
import type { TaskSpec, TaskStatus } from "../driver/types.js";

export interface NodeResources {
  /** Fractional CPUs the node offers to tasks (after the host reserve). */
  cpus: number;
  memory_bytes: number;
  disk_bytes: number;
}

export interface RegisterRequest {
  /** Stable across restarts: chosen at the agent's first start and kept in its store. */
  node_id: string;
  /** Human name (default: host name); unique among live nodes. */
  name: string;
  /** host:port where this agent serves task logs. */
  http_addr: string;
  /** What tasks may use on this node. */
  resources: NodeResources;
  /** hostname, os, arch, plus the user's --attr k=v; constraints match on these. */
  attributes: Record<string, string>;
  driver: "docker" | "mock";
  /** orch version of the agent, for `orch nodes`. */
  version: string;
}

export interface RegisterResponse {
  node_id: string;
  cluster_id: string;
  /** How often the agent must heartbeat. */
  heartbeat_interval_ms: number;
  /** After this long without a heartbeat the leader marks the node down and its tasks LOST. */
  heartbeat_ttl_ms: number;
}

export interface HeartbeatRequest {
  node_id: string;
}

export interface HeartbeatResponse {
  ok: true;
  heartbeat_interval_ms: number;
  heartbeat_ttl_ms: number;
}

/** What the node must do for one task. */
export interface Assignment {
  task_id: string;
  /** Complete spec; the agent passes it to the driver as is. */
  spec: TaskSpec;
  /**
   * `running`: start it if it has no container yet and has not ended on this node.
   * `stopped`: stop it if it runs (SIGTERM, then SIGKILL after grace_ms); never start it.
   * A task that ended stays `stopped` here until the server forgets it; a task missing
   * from the list is not this node's: its container is stopped and removed.
   */
  desired: "running" | "stopped";
  grace_ms: number;
}

export type AssignmentLine =
  | {
      type: "assignments";
      /** Raft index of the state this list reflects; only grows on one server. */
      index: number;
      tasks: Assignment[];
    }
  | { type: "keepalive"; index: number }
  /** The stream ends with this when the node is unknown (re-register) or the server stops. */
  | { type: "error"; code: string; message: string };

export interface StatusUpdate {
  /** Unique per update (node id + per-task seq is enough): the server dedupes on it. */
  update_id: string;
  task_id: string;
  /** Per task, strictly increasing across agent restarts; the server ignores seq <= the last it applied. */
  seq: number;
  status: TaskStatus;
  /** Agent's wall clock when it observed the status. */
  at_ms: number;
}

export interface StatusRequest {
  node_id: string;
  updates: StatusUpdate[];
}

export interface StatusResponse {
  /** update_ids now durable on the servers (applied or recognised as duplicates). */
  acked: string[];
}

/** Bounds of the contract, shared by both sides. */
export const assignments_keepalive_ms = 5_000;
export const status_updates_per_request_max = 256;
export const assignments_per_node_max = 2_000;
export const heartbeat_interval_ms_default = 1_000;
export const heartbeat_ttl_ms_default = 10_000;
export const attributes_max = 64;
export const attribute_chars_max = 256;
