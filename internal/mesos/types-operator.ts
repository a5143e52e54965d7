// The operator API's messages (mesos/v1/master/master.proto): Call and Response types, the Response
// bodies orch answers, and the Event stream of SUBSCRIBE. Field names are the .proto names.
import type { AgentID, Attribute, FrameworkID, Labels, TaskID, TimeInfo } from "./types-common.js";
import type { FrameworkInfo, MasterInfo } from "./types-framework.js";
import type { Resource } from "./types-resource.js";
import type { TaskState, TaskStatus } from "./types-status.js";

/** master.proto Call.Type, every name (orch answers some; the rest get 501 or a 400 naming why). */
export const operator_call_types = [
  "UNKNOWN", "GET_HEALTH", "GET_FLAGS", "GET_VERSION", "GET_METRICS", "GET_LOGGING_LEVEL", "SET_LOGGING_LEVEL",
  "LIST_FILES", "READ_FILE", "GET_STATE", "GET_AGENTS", "GET_FRAMEWORKS", "GET_EXECUTORS", "GET_OPERATIONS",
  "GET_TASKS", "GET_ROLES", "GET_WEIGHTS", "UPDATE_WEIGHTS", "GET_MASTER", "SUBSCRIBE", "RESERVE_RESOURCES",
  "UNRESERVE_RESOURCES", "CREATE_VOLUMES", "DESTROY_VOLUMES", "GROW_VOLUME", "SHRINK_VOLUME",
  "GET_MAINTENANCE_STATUS", "GET_MAINTENANCE_SCHEDULE", "UPDATE_MAINTENANCE_SCHEDULE", "START_MAINTENANCE",
  "STOP_MAINTENANCE", "DRAIN_AGENT", "DEACTIVATE_AGENT", "REACTIVATE_AGENT", "GET_QUOTA", "UPDATE_QUOTA",
  "SET_QUOTA", "REMOVE_QUOTA", "TEARDOWN", "MARK_AGENT_GONE",
] as const;
export type OperatorCallType = (typeof operator_call_types)[number];

/** The calls orch answers. */
export const operator_calls_served = [
  "GET_HEALTH", "GET_VERSION", "GET_MASTER", "GET_STATE", "GET_AGENTS", "GET_FRAMEWORKS", "GET_TASKS", "GET_ROLES",
  "GET_EXECUTORS", "SUBSCRIBE",
] as const satisfies readonly OperatorCallType[];
export type ServedCallType = (typeof operator_calls_served)[number];

export interface VersionInfo {
  version: string;
  build_date?: string;
  build_time?: number;
  build_user?: string;
  git_sha?: string;
  git_branch?: string;
  git_tag?: string;
}

/** Response.GetAgents.Agent. */
export interface OperatorAgent {
  agent_info: { hostname: string; port?: number; resources?: Resource[]; attributes?: Attribute[]; id?: AgentID };
  active: boolean;
  deactivated?: boolean;
  version: string;
  pid?: string;
  registered_time?: TimeInfo;
  reregistered_time?: TimeInfo;
  total_resources?: Resource[];
  allocated_resources?: Resource[];
  offered_resources?: Resource[];
  capabilities?: { type: string }[];
}

/** Response.GetFrameworks.Framework. */
export interface OperatorFrameworkMessage {
  framework_info: FrameworkInfo;
  active: boolean;
  connected: boolean;
  recovered: boolean;
  registered_time?: TimeInfo;
  reregistered_time?: TimeInfo;
  unregistered_time?: TimeInfo;
  offers?: never[];
  inverse_offers?: never[];
  allocated_resources?: Resource[];
  offered_resources?: Resource[];
}

/** mesos.proto Task. */
export interface OperatorTask {
  name: string;
  task_id: TaskID;
  framework_id: FrameworkID;
  agent_id: AgentID;
  state: TaskState;
  resources?: Resource[];
  statuses?: TaskStatus[];
  status_update_state?: TaskState;
  labels?: Labels;
}

export interface GetAgents { agents: OperatorAgent[]; recovered_agents?: never[] }
export interface GetFrameworks { frameworks: OperatorFrameworkMessage[]; completed_frameworks: OperatorFrameworkMessage[] }
export interface GetTasks { pending_tasks?: OperatorTask[]; tasks: OperatorTask[]; unreachable_tasks?: OperatorTask[]; completed_tasks: OperatorTask[] }
export interface GetExecutors { executors: never[] }
export interface GetState { get_tasks: GetTasks; get_executors: GetExecutors; get_frameworks: GetFrameworks; get_agents: GetAgents }
/** mesos.proto Role. */
export interface OperatorRole { name: string; weight: number; frameworks: FrameworkID[]; resources: Resource[] }

export type OperatorResponse =
  | { type: "GET_HEALTH"; get_health: { healthy: boolean } }
  | { type: "GET_VERSION"; get_version: { version_info: VersionInfo } }
  | { type: "GET_MASTER"; get_master: { master_info: MasterInfo; start_time?: number; elected_time?: number } }
  | { type: "GET_STATE"; get_state: GetState }
  | { type: "GET_AGENTS"; get_agents: GetAgents }
  | { type: "GET_FRAMEWORKS"; get_frameworks: GetFrameworks }
  | { type: "GET_EXECUTORS"; get_executors: GetExecutors }
  | { type: "GET_TASKS"; get_tasks: GetTasks }
  | { type: "GET_ROLES"; get_roles: { roles: OperatorRole[] } };

/** master.proto Event, the types orch sends. */
export type OperatorEvent =
  | { type: "SUBSCRIBED"; subscribed: { get_state: GetState; heartbeat_interval_seconds: number } }
  | { type: "TASK_ADDED"; task_added: { task: OperatorTask } }
  | { type: "TASK_UPDATED"; task_updated: { framework_id: FrameworkID; status: TaskStatus; state: TaskState } }
  | { type: "AGENT_ADDED"; agent_added: { agent: OperatorAgent } }
  | { type: "AGENT_REMOVED"; agent_removed: { agent_id: AgentID } }
  | { type: "FRAMEWORK_ADDED"; framework_added: { framework: OperatorFrameworkMessage } }
  | { type: "FRAMEWORK_UPDATED"; framework_updated: { framework: OperatorFrameworkMessage } }
  | { type: "FRAMEWORK_REMOVED"; framework_removed: { framework_info: FrameworkInfo } }
  | { type: "HEARTBEAT" };
