// POST /api/v1/scheduler before any framework lookup: method, Content-Type, Accept, body → a valid Call or an HTTP answer.
// Order and wording follow Mesos's Master::Http::scheduler (src/master/http.cpp).
import { decodeCall } from "./call-decode.js";
import { DecodeError } from "./codec.js";
import {
  acceptsMediaType, application_json, application_protobuf, firstHeader, mediaTypeOf, type HeaderValue,
} from "./media-type.js";
import { validateCall, type ValidCall } from "./valid-call.js";

export interface CallRequest {
  method: string;
  /** Lower-case names, as Node gives them. Read: content-type, accept, mesos-stream-id. */
  headers: Readonly<Record<string, HeaderValue>>;
  body: string | Uint8Array;
}

export type CallRefusal = {
  ok: false;
  status: 400 | 405 | 406 | 415 | 501;
  /** The response body: plain text, as Mesos sends it. */
  message: string;
  /** Response headers to add (`allow` on a 405). */
  headers?: Record<string, string>;
};

export type CallAccepted = {
  ok: true;
  call: ValidCall;
  /** The caller checks it against the framework's current stream (see checkStream); never set on SUBSCRIBE. */
  stream_id: string | undefined;
};

export const protobuf_later = `${application_protobuf} is not supported yet`;

/**
 * The checks every Mesos call route makes before reading the call, in Mesos's order and words:
 * method (405), Content-Type (400 missing, 415 other), a body that parses as JSON (400).
 * `what` names the calls in the 415 for protobuf ("scheduler calls"); `also` lists media types
 * Mesos itself takes beside JSON, for the 415 of any other type.
 */
export function readJsonCall(request: CallRequest, what: string, also: readonly string[] = []): { ok: true; json: unknown } | CallRefusal {
  if (request.method.toUpperCase() !== "POST") {
    return { ok: false, status: 405, message: `405 Method Not Allowed. Expecting one of { 'POST' }, but received '${request.method}'`, headers: { allow: "POST" } };
  }
  const content_type = firstHeader(request.headers["content-type"]);
  if (content_type === undefined) return { ok: false, status: 400, message: "Expecting 'Content-Type' to be present" };
  const media_type = mediaTypeOf(content_type);
  if (media_type !== application_json) {
    const message =
      media_type === application_protobuf
        ? `orch reads ${what} as ${application_json} only (${protobuf_later})`
        : `Expecting 'Content-Type' of ${[application_json, ...also].join(" or ")}; got '${content_type}'`;
    return { ok: false, status: 415, message };
  }
  const text = typeof request.body === "string" ? request.body : Buffer.from(request.body).toString("utf8");
  try {
    return { ok: true, json: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, status: 400, message: `Failed to parse body into JSON: ${(error as Error).message}` };
  }
}

export function readCallRequest(request: CallRequest): CallAccepted | CallRefusal {
  const read = readJsonCall(request, "scheduler calls");
  if (!read.ok) return read;
  const json = read.json;
  let call;
  try {
    call = decodeCall(json);
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    return { ok: false, status: 400, message: `Failed to convert JSON into Call protobuf: ${error.message}` };
  }
  const valid = validateCall(call, (json as { type?: unknown }).type);
  if (typeof valid === "string") return { ok: false, status: 400, message: `Failed to validate scheduler::Call: ${valid}` };
  if (valid.type === "SUBSCRIBE" || valid.type === "RECONCILE_OPERATIONS") {
    if (!acceptsMediaType(request.headers["accept"], application_json)) {
      const message = `Expecting 'Accept' to allow '${application_json}' (orch streams events as JSON only; ${protobuf_later})`;
      return { ok: false, status: 406, message };
    }
  }
  const stream_id = firstHeader(request.headers["mesos-stream-id"]);
  if (valid.type === "SUBSCRIBE") {
    if (stream_id !== undefined) return { ok: false, status: 400, message: "Subscribe calls should not include the 'Mesos-Stream-Id' header" };
    return { ok: true, call: valid, stream_id: undefined };
  }
  if (valid.type === "UNKNOWN") return { ok: false, status: 501, message: "The 'UNKNOWN' call type is not implemented" };
  return { ok: true, call: valid, stream_id };
}
