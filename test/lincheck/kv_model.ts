// The sequential specification of one key-value register: what each op may return.
import type { KvInput, KvOutput } from "./history.js";

/** The value of one key; `null` means absent. */
export type RegisterState = string | null;

export const initialRegisterState: RegisterState = null;

/**
 * Applies `input` to `state` and says whether the observed `output` is possible.
 * `output === null` (indeterminate) accepts whatever the op would have returned;
 * cas stays deterministic because its outcome follows from the state it runs on.
 */
export function stepRegister(
  state: RegisterState,
  input: KvInput,
  output: KvOutput | null,
): { readonly ok: boolean; readonly state: RegisterState } {
  switch (input.kind) {
    case "get": {
      if (output === null) return { ok: true, state };
      return { ok: output.kind === "get" && output.value === state, state };
    }
    case "put":
      return { ok: output === null || output.kind === "put", state: input.value };
    case "del":
      return { ok: output === null || output.kind === "del", state: null };
    case "cas": {
      const swaps = state === input.expected;
      const next = swaps ? input.value : state;
      if (output === null) return { ok: true, state: next };
      return { ok: output.kind === "cas" && output.ok === swaps, state: next };
    }
  }
}

/** Says in words why `output` is impossible from `state`, for failure reports. */
export function explainMismatch(state: RegisterState, input: KvInput): string {
  const holds = `the register holds ${JSON.stringify(state)}`;
  switch (input.kind) {
    case "get":
      return `${holds}, so a get returns ${JSON.stringify(state)}`;
    case "cas":
      return `${holds}, so cas expecting ${JSON.stringify(input.expected)} must ${state === input.expected ? "succeed" : "fail"}`;
    case "put":
    case "del":
      return `${holds}; a ${input.kind} always succeeds, so its output kind is wrong`;
  }
}
