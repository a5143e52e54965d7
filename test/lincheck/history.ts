// The history format the checker reads: plain JSON-able records of key-value operations.

/** An operation as the client asked for it. `null` means "the key is absent". */
export type KvInput =
  | { readonly kind: "get"; readonly key: string }
  | { readonly kind: "put"; readonly key: string; readonly value: string }
  | { readonly kind: "del"; readonly key: string }
  | {
      readonly kind: "cas";
      readonly key: string;
      readonly expected: string | null;
      readonly value: string;
    };

/** What the client was told. A cas reports whether it swapped. */
export type KvOutput =
  | { readonly kind: "get"; readonly value: string | null }
  | { readonly kind: "put" }
  | { readonly kind: "del" }
  | { readonly kind: "cas"; readonly ok: boolean };

/**
 * One operation of one client. Times are any monotonic clock shared by all clients
 * (ticks, ms, a global event counter); only their order matters.
 * `returnTime === null` marks an indeterminate op (timeout, lost connection): it may
 * have taken effect at any point after `callTime`, or never; its `output` is ignored.
 */
export interface Operation {
  readonly id: number;
  readonly clientId: number;
  readonly callTime: number;
  readonly returnTime: number | null;
  readonly input: KvInput;
  readonly output: KvOutput | null;
}

/** A history is just the list of operations, in any order. */
export type History = readonly Operation[];

/** Renders one op for a person: `#7 c2 get(x) -> "a" [10, 14]`. */
export function describeOperation(op: Operation): string {
  const when = `[${op.callTime}, ${op.returnTime === null ? "?" : String(op.returnTime)}]`;
  return `#${op.id} c${op.clientId} ${describeInput(op.input)} -> ${describeOutput(op)} ${when}`;
}

function describeInput(input: KvInput): string {
  switch (input.kind) {
    case "get":
      return `get(${input.key})`;
    case "put":
      return `put(${input.key}, ${JSON.stringify(input.value)})`;
    case "del":
      return `del(${input.key})`;
    case "cas":
      return `cas(${input.key}, ${JSON.stringify(input.expected)}, ${JSON.stringify(input.value)})`;
  }
}

function describeOutput(op: Operation): string {
  if (op.returnTime === null || op.output === null) return "unknown";
  switch (op.output.kind) {
    case "get":
      return JSON.stringify(op.output.value);
    case "cas":
      return op.output.ok ? "ok" : "fail";
    case "put":
    case "del":
      return "ok";
  }
}
