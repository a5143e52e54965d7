// The checks Mesos makes on a non-SUBSCRIBE call once the framework is looked up: known, subscribed, same stream.
import type { ValidCall } from "./valid-call.js";

/** What the caller knows of the framework named by the call; undefined when there is none. */
export interface FrameworkStream {
  /** False while the framework has no open subscription (disconnected, failing over). */
  connected: boolean;
  /** The Mesos-Stream-Id of its open subscription. */
  stream_id: string | undefined;
}

export interface StreamRefusal {
  status: 400 | 403;
  message: string;
}

/** null when the call may proceed; in Mesos's order and words (src/master/http.cpp). */
export function checkStream(
  call: Exclude<ValidCall, { type: "SUBSCRIBE" }>,
  stream_id: string | undefined,
  framework: FrameworkStream | undefined,
): StreamRefusal | null {
  if (framework === undefined) return { status: 400, message: "Framework cannot be found" };
  if (!framework.connected || framework.stream_id === undefined) return { status: 403, message: "Framework is not subscribed" };
  if (stream_id === undefined) {
    return { status: 400, message: "All non-subscribe calls should include the 'Mesos-Stream-Id' header" };
  }
  if (stream_id !== framework.stream_id) {
    return {
      status: 400,
      message:
        `The stream ID '${stream_id}' included in this request didn't match the stream ID currently ` +
        `associated with framework ID ${call.framework_id.value}`,
    };
  }
  return null;
}
