// Reads a scheduler Call from its JSON body by Mesos's mapping; errors name the field path.
import { bytes, DecodeError, enumOf, string, type Decoder } from "./codec.js";
import { isObject, message, opaque, repeated } from "./codec-message.js";
import {
  agentId, executorId, frameworkId, offerId, operationId, resource, resourceProviderId, taskId,
} from "./schema-common.js";
import { filters, frameworkInfo, offerOperation } from "./schema-framework.js";
import { killPolicy } from "./schema-task.js";
import * as c from "./types-call.js";



/**
 * REVIVE and SUPPRESS: `roles` (null or absent: every role), or the singular `role` that clients
 * written for Mesos 1.2–1.6 send; Mesos itself would ignore that key and act on every role.
 */
const roles: Decoder<c.Revive> = (value, path) => {
  const decoded = message<c.Revive>({ roles: repeated(string) })(value, path);
  if (decoded === undefined || !isObject(value) || decoded.roles !== undefined) return decoded;
  const role = string(value["role"], `${path}.role`);
  return role === undefined ? decoded : { roles: [role] };
};

const subscribe = message<c.Subscribe>(
  { framework_info: frameworkInfo, suppressed_roles: repeated(string), offer_constraints: opaque },
  ["framework_info"],
);

const call = message<c.Call>({
  framework_id: frameworkId,
  type: enumOf(c.call_types),
  subscribe,
  accept: message<c.Accept>({ offer_ids: repeated(offerId), operations: repeated(offerOperation), filters }),
  decline: message<c.Decline>({ offer_ids: repeated(offerId), filters }),
  accept_inverse_offers: message<c.AcceptInverseOffers>({ inverse_offer_ids: repeated(offerId), filters }),
  decline_inverse_offers: message<c.DeclineInverseOffers>({ inverse_offer_ids: repeated(offerId), filters }),
  revive: roles,
  kill: message<c.Kill>({ task_id: taskId, agent_id: agentId, kill_policy: killPolicy }, ["task_id"]),
  shutdown: message<c.Shutdown>({ executor_id: executorId, agent_id: agentId }, ["executor_id", "agent_id"]),
  acknowledge: message<c.Acknowledge>({ agent_id: agentId, task_id: taskId, uuid: bytes }, ["agent_id", "task_id", "uuid"]),
  acknowledge_operation_status: message<c.AcknowledgeOperationStatus>(
    { agent_id: agentId, resource_provider_id: resourceProviderId, uuid: bytes, operation_id: operationId },
    ["uuid", "operation_id"],
  ),
  reconcile: message<c.Reconcile>({
    tasks: repeated(message<NonNullable<c.Reconcile["tasks"]>[number]>({ task_id: taskId, agent_id: agentId }, ["task_id"])),
  }),
  reconcile_operations: message<c.ReconcileOperations>({
    operations: repeated(
      message<NonNullable<c.ReconcileOperations["operations"]>[number]>(
        { operation_id: operationId, agent_id: agentId, resource_provider_id: resourceProviderId },
        ["operation_id"],
      ),
    ),
  }),
  message: message<c.Message>({ agent_id: agentId, executor_id: executorId, data: bytes }, ["agent_id", "executor_id", "data"]),
  request: message<c.Request>({
    requests: repeated(
      message<NonNullable<c.Request["requests"]>[number]>({ agent_id: agentId, resources: repeated(resource) }),
    ),
  }),
  suppress: roles,
  update_framework: message<c.UpdateFramework>(
    { framework_info: frameworkInfo, suppressed_roles: repeated(string), offer_constraints: opaque },
    ["framework_info"],
  ),
});

/** The Call in `json` (already parsed); throws DecodeError naming the first bad field. */
export function decodeCall(json: unknown): c.Call {
  if (!isObject(json)) throw new DecodeError("", "must be a JSON object (a scheduler Call)");
  return call(json, "") ?? {};
}
