// Builders for the events orch streams to a framework, nested as scheduler.proto has them, `type` first.
import type { AgentID, ExecutorID } from "./types-common.js";
import type { Event } from "./types-event.js";
import type { MasterInfo, Offer } from "./types-framework.js";
import type { TaskStatus } from "./types-status.js";

/** The ERROR a framework's old stream gets when it subscribes again elsewhere (Mesos's words). */
export const error_failed_over = "Framework failed over";
/** The ERROR for a framework torn down or past its failover timeout (Mesos's words). */
export const error_removed = "Framework has been removed";

export function subscribedEvent(framework_id: string, heartbeat_interval_seconds: number, master_info?: MasterInfo): Event {
  return {
    type: "SUBSCRIBED",
    subscribed: { framework_id: { value: framework_id }, heartbeat_interval_seconds, ...(master_info ? { master_info } : {}) },
  };
}

/** `{"type":"OFFERS","offers":{"offers":[...]}}`: the array sits one level down, as in the proto. */
export function offersEvent(offers: Offer[]): Event {
  return { type: "OFFERS", offers: { offers } };
}

export function rescindEvent(offer_id: string): Event {
  return { type: "RESCIND", rescind: { offer_id: { value: offer_id } } };
}

export function updateEvent(status: TaskStatus): Event {
  return { type: "UPDATE", update: { status } };
}

/** An agent removed (agent only), or an executor ended with `status` (its exit status). */
export function failureEvent(failure: { agent_id?: string; executor_id?: string; status?: number }): Event {
  const body: { agent_id?: AgentID; executor_id?: ExecutorID; status?: number } = {};
  if (failure.agent_id !== undefined) body.agent_id = { value: failure.agent_id };
  if (failure.executor_id !== undefined) body.executor_id = { value: failure.executor_id };
  if (failure.status !== undefined) body.status = failure.status;
  return { type: "FAILURE", failure: body };
}

/** `{"type":"ERROR","error":{"message":...}}`; the stream ends after it. */
export function errorEvent(message: string): Event {
  return { type: "ERROR", error: { message } };
}

export function heartbeatEvent(): Event {
  return { type: "HEARTBEAT" };
}

export function messageEvent(agent_id: string, executor_id: string, data: Uint8Array): Event {
  return { type: "MESSAGE", message: { agent_id: { value: agent_id }, executor_id: { value: executor_id }, data } };
}
