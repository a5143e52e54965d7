// Operator responses and events as JSON. Empty repeated fields are written as []: Mesos's own
// writer (stout's JSON::Protobuf) leaves them out, while operator-http-api.md shows them as [] —
// every client reads [] as empty, and a client written from the docs needs the key.
import { encodeJson } from "./json-encode.js";
import type { OperatorEvent, OperatorResponse } from "./types-operator.js";

export function encodeOperatorResponse(r: OperatorResponse): string {
  return encodeJson(r);
}

export function encodeOperatorEvent(e: OperatorEvent): string {
  return encodeJson(e);
}
