// Reads a scheduler Event from JSON, for orch's own tests and example clients (a framework's view of the stream).
import { bytes, DecodeError, enumOf, string } from "./codec.js";
import { isObject, message, repeated } from "./codec-message.js";
import { double, int32 } from "./codec-number.js";
import { agentId, executorId, frameworkId, offerId } from "./schema-common.js";
import { inverseOffer, masterInfo, offer } from "./schema-framework.js";
import { operationStatus, taskStatus } from "./schema-status.js";
import * as e from "./types-event.js";

type Body<K extends keyof e.Event> = NonNullable<e.Event[K]>;

const event = message<e.Event>({
  type: enumOf(e.event_types),
  subscribed: message<e.Subscribed>(
    { framework_id: frameworkId, heartbeat_interval_seconds: double, master_info: masterInfo },
    ["framework_id"],
  ),
  offers: message<Body<"offers">>({ offers: repeated(offer) }),
  inverse_offers: message<Body<"inverse_offers">>({ inverse_offers: repeated(inverseOffer) }),
  rescind: message<Body<"rescind">>({ offer_id: offerId }, ["offer_id"]),
  rescind_inverse_offer: message<Body<"rescind_inverse_offer">>({ inverse_offer_id: offerId }, ["inverse_offer_id"]),
  update: message<Body<"update">>({ status: taskStatus }, ["status"]),
  update_operation_status: message<Body<"update_operation_status">>({ status: operationStatus }, ["status"]),
  message: message<Body<"message">>({ agent_id: agentId, executor_id: executorId, data: bytes }, ["agent_id", "executor_id", "data"]),
  failure: message<Body<"failure">>({ agent_id: agentId, executor_id: executorId, status: int32 }),
  error: message<Body<"error">>({ message: string }, ["message"]),
});

/** The Event in `json` (already parsed); throws DecodeError naming the first bad field. */
export function decodeEvent(json: unknown): e.Event {
  if (!isObject(json)) throw new DecodeError("", "must be a JSON object (a scheduler Event)");
  return event(json, "") ?? {};
}
