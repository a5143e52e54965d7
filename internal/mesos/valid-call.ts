// Mesos's checks on a decoded Call (validation.cpp, scheduler::call::validate), giving a Call narrowed by type.
import type { FrameworkID } from "./types-common.js";
import type * as c from "./types-call.js";

type Base = { framework_id: FrameworkID };
type With<T extends c.CallType, K extends keyof c.Call> = Base & { type: T } & { [P in K]-?: NonNullable<c.Call[P]> };

/**
 * A call that passed validation: its type is known and its body key is present. Every type but
 * SUBSCRIBE carries framework_id. REVIVE and SUPPRESS always carry a body (empty roles: all).
 */
export type ValidCall =
  | { type: "SUBSCRIBE"; framework_id?: FrameworkID; subscribe: c.Subscribe }
  | (Base & { type: "TEARDOWN" | "UNKNOWN" })
  | With<"ACCEPT", "accept">
  | With<"DECLINE", "decline">
  | With<"ACCEPT_INVERSE_OFFERS", "accept_inverse_offers">
  | With<"DECLINE_INVERSE_OFFERS", "decline_inverse_offers">
  | With<"REVIVE", "revive">
  | With<"SUPPRESS", "suppress">
  | With<"KILL", "kill">
  | With<"SHUTDOWN", "shutdown">
  | With<"ACKNOWLEDGE", "acknowledge">
  | With<"ACKNOWLEDGE_OPERATION_STATUS", "acknowledge_operation_status">
  | With<"RECONCILE", "reconcile">
  | With<"RECONCILE_OPERATIONS", "reconcile_operations">
  | With<"MESSAGE", "message">
  | With<"REQUEST", "request">
  | With<"UPDATE_FRAMEWORK", "update_framework">;

/** The body key each type must carry (Mesos: "Expecting '<key>' to be present"); null: none needed. */
export const call_body_key: { readonly [T in c.CallType]: keyof c.Call | null } = {
  UNKNOWN: null, SUBSCRIBE: "subscribe", TEARDOWN: null, ACCEPT: "accept", DECLINE: "decline",
  ACCEPT_INVERSE_OFFERS: "accept_inverse_offers", DECLINE_INVERSE_OFFERS: "decline_inverse_offers",
  REVIVE: null, SUPPRESS: null, KILL: "kill", SHUTDOWN: "shutdown", ACKNOWLEDGE: "acknowledge",
  ACKNOWLEDGE_OPERATION_STATUS: "acknowledge_operation_status", RECONCILE: "reconcile",
  RECONCILE_OPERATIONS: "reconcile_operations", MESSAGE: "message", REQUEST: "request",
  UPDATE_FRAMEWORK: "update_framework",
};

/** Mesos's id::UUID::fromBytes (boost 1.81): 16 bytes with a known version (1–5) in the high nibble of byte 6. */
export function uuidProblem(uuid: Uint8Array, field: string): string | null {
  const version = (uuid[6] ?? 0) >> 4;
  if (uuid.length === 16 && version >= 1 && version <= 5) return null;
  const got = uuid.length === 16 ? `version ${version}` : `${uuid.length} bytes`;
  return `Not a valid UUID: '${field}' must be the 16-byte uuid of the status update, base64-encoded (got ${got})`;
}

/** The call narrowed by type, or what is wrong in Mesos's words. `raw_type`: the body's `type` as sent. */
export function validateCall(call: c.Call, raw_type: unknown): ValidCall | string {
  if (call.type === undefined) {
    return typeof raw_type === "string"
      ? `Expecting 'type' to be present ('${raw_type}' is not a scheduler Call type)`
      : "Expecting 'type' to be present";
  }
  const key = call_body_key[call.type];
  if (call.type === "SUBSCRIBE") {
    if (call.subscribe === undefined) return "Expecting 'subscribe' to be present";
    if ((call.framework_id?.value ?? "") !== (call.subscribe.framework_info.id?.value ?? "")) {
      return "'framework_id' differs from 'subscribe.framework_info.id'";
    }
    return call as ValidCall;
  }
  if (call.framework_id === undefined) return "Expecting 'framework_id' to be present";
  if (key !== null && call[key] === undefined) return `Expecting '${key}' to be present`;
  if (call.type === "ACKNOWLEDGE" && call.acknowledge) {
    const problem = uuidProblem(call.acknowledge.uuid, "acknowledge.uuid");
    if (problem !== null) return problem;
  }
  if (call.type === "ACKNOWLEDGE_OPERATION_STATUS" && call.acknowledge_operation_status) {
    const problem = uuidProblem(call.acknowledge_operation_status.uuid, "acknowledge_operation_status.uuid");
    if (problem !== null) return problem;
    if (call.acknowledge_operation_status.agent_id === undefined) return "Expecting 'agent_id' to be present";
  }
  if (call.type === "UPDATE_FRAMEWORK" && call.update_framework) {
    if (call.framework_id.value !== (call.update_framework.framework_info.id?.value ?? "")) {
      return "'framework_id' differs from 'update_framework.framework_info.id'";
    }
  }
  if (call.type === "REVIVE") return { ...call, type: "REVIVE", framework_id: call.framework_id, revive: call.revive ?? {} };
  if (call.type === "SUPPRESS") return { ...call, type: "SUPPRESS", framework_id: call.framework_id, suppress: call.suppress ?? {} };
  return call as ValidCall;
}
