// Named bounds and pacing of the agent: every queue, retry and loop has its limit here.

export interface AgentLimits {
  /** Driver operations (start, stop, remove) running at once. */
  driver_ops_parallel_max: number;
  /** Unacknowledged status updates kept in the store before coalescing. */
  status_queue_max: number;
  /** Bound on one request to a server (register, heartbeat, status). */
  request_timeout_ms: number;
  /** Retry pacing for register, the assignment stream and status sends: exponential, capped. */
  backoff_ms_min: number;
  backoff_ms_max: number;
  /** A stream that shows nothing for this long is dropped and reopened (3 × keepalive by contract). */
  assignments_silence_ms: number;
  /** Bytes of one NDJSON line from a server; a longer one is an error (2,000 assignments fit). */
  assignment_line_bytes_max: number;
  /** After a driver watch fails, wait this long before listing and watching again. */
  watch_retry_ms: number;
  /** How long stop() of the agent waits for in-flight driver operations and a last status send. */
  shutdown_grace_ms: number;
}

export const agent_limits_default: AgentLimits = {
  driver_ops_parallel_max: 8,
  status_queue_max: 10_000,
  request_timeout_ms: 10_000,
  backoff_ms_min: 100,
  backoff_ms_max: 5_000,
  assignments_silence_ms: 15_000,
  assignment_line_bytes_max: 64 * 1024 * 1024,
  watch_retry_ms: 1_000,
  shutdown_grace_ms: 5_000,
};

/** Port of the agent's own HTTP server (task logs) unless --http-port says otherwise. */
export const agent_http_port_default = 4642;
export const agent_data_dir_default = "./orch-agent-data";

/** Log lines one request returns when max_lines is not given, and the most it may ask for. */
export const log_lines_default = 1_000;
export const log_lines_max = 100_000;
/** Largest tail= accepted. */
export const log_tail_lines_max = 100_000;
