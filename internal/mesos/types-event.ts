// The scheduler Event (mesos/v1/scheduler/scheduler.proto): what orch streams to a subscribed framework.
import type { AgentID, ExecutorID, FrameworkID, OfferID } from "./types-common.js";
import type { InverseOffer, MasterInfo, Offer } from "./types-framework.js";
import type { OperationStatus, TaskStatus } from "./types-status.js";

export const event_types = [
  "UNKNOWN", "SUBSCRIBED", "OFFERS", "INVERSE_OFFERS", "RESCIND", "RESCIND_INVERSE_OFFER", "UPDATE",
  "UPDATE_OPERATION_STATUS", "MESSAGE", "FAILURE", "ERROR", "HEARTBEAT",
] as const;
export type EventType = (typeof event_types)[number];

export interface Subscribed {
  framework_id: FrameworkID;
  heartbeat_interval_seconds?: number;
  master_info?: MasterInfo;
}

export interface Event {
  type?: EventType;
  subscribed?: Subscribed;
  offers?: { offers?: Offer[] };
  inverse_offers?: { inverse_offers?: InverseOffer[] };
  rescind?: { offer_id: OfferID };
  rescind_inverse_offer?: { inverse_offer_id: OfferID };
  update?: { status: TaskStatus };
  update_operation_status?: { status: OperationStatus };
  message?: { agent_id: AgentID; executor_id: ExecutorID; data: Uint8Array };
  /** An agent removed (agent_id only) or an executor ended (with its exit status). */
  failure?: { agent_id?: AgentID; executor_id?: ExecutorID; status?: number };
  error?: { message: string };
}
