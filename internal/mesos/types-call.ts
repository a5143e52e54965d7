// The scheduler Call (mesos/v1/scheduler/scheduler.proto): one type and the body key that goes with it.
import type { AgentID, ExecutorID, FrameworkID, OfferID, OperationID, ResourceProviderID, TaskID } from "./types-common.js";
import type { Filters, FrameworkInfo, OfferOperation } from "./types-framework.js";
import type { Resource } from "./types-resource.js";
import type { KillPolicy } from "./types-task.js";

export const call_types = [
  "UNKNOWN", "SUBSCRIBE", "TEARDOWN", "ACCEPT", "DECLINE", "ACCEPT_INVERSE_OFFERS", "DECLINE_INVERSE_OFFERS",
  "REVIVE", "KILL", "SHUTDOWN", "ACKNOWLEDGE", "ACKNOWLEDGE_OPERATION_STATUS", "RECONCILE",
  "RECONCILE_OPERATIONS", "MESSAGE", "REQUEST", "SUPPRESS", "UPDATE_FRAMEWORK",
] as const;
export type CallType = (typeof call_types)[number];

export interface Subscribe {
  framework_info: FrameworkInfo;
  /** Roles that start suppressed; must be among the framework's roles. */
  suppressed_roles?: string[];
  offer_constraints?: Record<string, unknown>;
}
export interface Accept { offer_ids?: OfferID[]; operations?: OfferOperation[]; filters?: Filters }
export interface Decline { offer_ids?: OfferID[]; filters?: Filters }
export interface AcceptInverseOffers { inverse_offer_ids?: OfferID[]; filters?: Filters }
export interface DeclineInverseOffers { inverse_offer_ids?: OfferID[]; filters?: Filters }
/** Empty or absent `roles`: every role of the framework. Old clients' singular `role` is read into `roles`. */
export interface Revive { roles?: string[] }
export interface Suppress { roles?: string[] }
export interface Kill { task_id: TaskID; agent_id?: AgentID; kill_policy?: KillPolicy }
export interface Shutdown { executor_id: ExecutorID; agent_id: AgentID }
export interface Acknowledge { agent_id: AgentID; task_id: TaskID; uuid: Uint8Array }
export interface AcknowledgeOperationStatus {
  agent_id?: AgentID;
  resource_provider_id?: ResourceProviderID;
  uuid: Uint8Array;
  operation_id: OperationID;
}
/** Empty `tasks`: every task of the framework. */
export interface Reconcile { tasks?: { task_id: TaskID; agent_id?: AgentID }[] }
export interface ReconcileOperations {
  operations?: { operation_id: OperationID; agent_id?: AgentID; resource_provider_id?: ResourceProviderID }[];
}
export interface Message { agent_id: AgentID; executor_id: ExecutorID; data: Uint8Array }
export interface Request { requests?: { agent_id?: AgentID; resources?: Resource[] }[] }
export interface UpdateFramework {
  framework_info: FrameworkInfo;
  suppressed_roles?: string[];
  offer_constraints?: Record<string, unknown>;
}

export interface Call {
  framework_id?: FrameworkID;
  /** Unset when the body named a type this master does not know. */
  type?: CallType;
  subscribe?: Subscribe;
  accept?: Accept;
  decline?: Decline;
  accept_inverse_offers?: AcceptInverseOffers;
  decline_inverse_offers?: DeclineInverseOffers;
  revive?: Revive;
  kill?: Kill;
  shutdown?: Shutdown;
  acknowledge?: Acknowledge;
  acknowledge_operation_status?: AcknowledgeOperationStatus;
  reconcile?: Reconcile;
  reconcile_operations?: ReconcileOperations;
  message?: Message;
  request?: Request;
  suppress?: Suppress;
  update_framework?: UpdateFramework;
}
