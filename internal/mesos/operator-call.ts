// POST /api/v1 (the operator API) before anything is read from the state: method, Content-Type, body,
// Accept → the call type to answer, or Mesos's status and text. Order and wording follow Mesos's
// Master::Http::api (src/master/http.cpp) and validation::master::call::validate (validation.cpp).
import { describe } from "./codec.js";
import { acceptsMediaType, application_json, application_protobuf, firstHeader, mediaTypeOf } from "./media-type.js";
import { protobuf_later, readJsonCall, type CallRequest, type CallRefusal } from "./call-request.js";
import { operator_call_types, operator_calls_served, type OperatorCallType, type ServedCallType } from "./types-operator.js";

export type OperatorCallAccepted = { ok: true; type: ServedCallType };
export type OperatorCallRefusal = CallRefusal;

/** The body key a call type must carry (Mesos: "Expecting '<key>' to be present"). */
const required_key: Partial<Record<OperatorCallType, string>> = {
  GET_METRICS: "get_metrics", SET_LOGGING_LEVEL: "set_logging_level", LIST_FILES: "list_files", READ_FILE: "read_file",
  UPDATE_WEIGHTS: "update_weights", RESERVE_RESOURCES: "reserve_resources", UNRESERVE_RESOURCES: "unreserve_resources",
  CREATE_VOLUMES: "create_volumes", DESTROY_VOLUMES: "destroy_volumes", GROW_VOLUME: "grow_volume",
  SHRINK_VOLUME: "shrink_volume", UPDATE_MAINTENANCE_SCHEDULE: "update_maintenance_schedule",
  START_MAINTENANCE: "start_maintenance", STOP_MAINTENANCE: "stop_maintenance", DRAIN_AGENT: "drain_agent",
  DEACTIVATE_AGENT: "deactivate_agent", REACTIVATE_AGENT: "reactivate_agent", UPDATE_QUOTA: "update_quota",
  SET_QUOTA: "set_quota", REMOVE_QUOTA: "remove_quota", TEARDOWN: "teardown", MARK_AGENT_GONE: "mark_agent_gone",
};

/** What to do instead, for calls Mesos serves and orch does not. */
const instead: Partial<Record<OperatorCallType, string>> = {
  TEARDOWN: "tear a framework down with POST /v1/frameworks/<id>/teardown",
  UPDATE_WEIGHTS: "set role weights with PUT /v1/roles/<role> (orch roles set)",
  GET_WEIGHTS: "read role weights with GET /v1/roles (orch roles)",
  GET_QUOTA: "read role guarantees and limits with GET /v1/roles (orch roles)",
  UPDATE_QUOTA: "set role guarantees and limits with PUT /v1/roles/<role> (orch roles set)",
  SET_QUOTA: "set role guarantees and limits with PUT /v1/roles/<role> (orch roles set)",
  REMOVE_QUOTA: "clear a role's guarantee and limit with PUT /v1/roles/<role> (orch roles set)",
  GET_FLAGS: "read the server's settings with GET /v1/status",
  GET_METRICS: "read the server's state with GET /v1/status",
};

const known = new Set<string>(operator_call_types);
const served = new Set<string>(operator_calls_served);


export function readOperatorCall(request: CallRequest): OperatorCallAccepted | OperatorCallRefusal {
  const read = readJsonCall(request, "operator calls", [application_protobuf]);
  if (!read.ok) return read;
  const json = read.json;
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { ok: false, status: 400, message: `Failed to convert JSON into Call protobuf: the body must be a JSON object, not ${describe(json)}` };
  }
  const body = json as Record<string, unknown>;
  const raw_type = body["type"];
  if (raw_type != null && typeof raw_type !== "string") {
    return { ok: false, status: 400, message: `Failed to convert JSON into Call protobuf: type must be an enum name (a string), not ${describe(raw_type)}` };
  }
  for (const key of Object.values(required_key)) {
    const v = body[key];
    if (v != null && (typeof v !== "object" || Array.isArray(v))) {
      return { ok: false, status: 400, message: `Failed to convert JSON into Call protobuf: ${key} must be an object, not ${describe(v)}` };
    }
  }
  // An unknown name leaves the optional enum unset (proto2), so Mesos then finds no type at all.
  if (raw_type == null || !known.has(raw_type)) {
    const hint = typeof raw_type === "string" ? ` ('${raw_type}' is not an operator Call type)` : "";
    return { ok: false, status: 400, message: `Failed to validate master::Call: Expecting 'type' to be present${hint}` };
  }
  const type = raw_type as OperatorCallType;
  const key = required_key[type];
  if (key !== undefined && body[key] == null) return { ok: false, status: 400, message: `Failed to validate master::Call: Expecting '${key}' to be present` };
  if (!acceptsMediaType(request.headers["accept"], application_json)) {
    return { ok: false, status: 406, message: `Expecting 'Accept' to allow '${application_json}' (orch answers operator calls as JSON only; ${protobuf_later})` };
  }
  if (type === "UNKNOWN") return { ok: false, status: 501, message: "The 'UNKNOWN' call type is not implemented" };
  if (!served.has(type)) {
    const also = instead[type];
    return { ok: false, status: 501, message: `orch does not implement the operator call '${type}'${also !== undefined ? `: ${also}` : ""}` };
  }
  return { ok: true, type: type as ServedCallType };
}
