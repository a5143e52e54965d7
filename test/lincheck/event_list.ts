// The doubly linked list of call/return events that the search lifts ops out of and back into.
import type { Operation } from "./history.js";

export interface Event {
  readonly kind: "call" | "return";
  /** Index of the op inside its partition: its bit in the linearized set. */
  readonly opIndex: number;
  readonly time: number;
  /** For a call: its return event. For a return: its call event. */
  match: Event | null;
  prev: Event | null;
  next: Event | null;
}

/**
 * Builds the list for one partition, headed by a sentinel. An indeterminate op returns
 * at +Infinity: it stays pending until the end, so it may take effect anywhere after
 * its call or, by landing after everything that could observe it, not at all.
 * On equal times calls come first, so touching intervals count as concurrent
 * (the permissive reading: it can hide a bug, never invent one).
 */
export function buildEventList(ops: readonly Operation[]): Event {
  const events: Event[] = [];
  ops.forEach((op, opIndex) => {
    const call: Event = { kind: "call", opIndex, time: op.callTime, match: null, prev: null, next: null };
    const ret: Event = {
      kind: "return",
      opIndex,
      time: op.returnTime ?? Number.POSITIVE_INFINITY,
      match: call,
      prev: null,
      next: null,
    };
    call.match = ret;
    events.push(call, ret);
  });
  events.sort(
    (a, b) =>
      a.time - b.time ||
      (a.kind === b.kind ? 0 : a.kind === "call" ? -1 : 1) ||
      a.opIndex - b.opIndex,
  );
  const head: Event = { kind: "call", opIndex: -1, time: Number.NEGATIVE_INFINITY, match: null, prev: null, next: null };
  let tail = head;
  for (const event of events) {
    tail.next = event;
    event.prev = tail;
    tail = event;
  }
  return head;
}

/** Removes a call and its return from the list; `unlift` must undo it in LIFO order. */
export function lift(call: Event): void {
  unlink(call);
  if (call.match !== null) unlink(call.match);
}

export function unlift(call: Event): void {
  if (call.match !== null) relink(call.match);
  relink(call);
}

function unlink(event: Event): void {
  if (event.prev !== null) event.prev.next = event.next;
  if (event.next !== null) event.next.prev = event.prev;
}

function relink(event: Event): void {
  if (event.prev !== null) event.prev.next = event;
  if (event.next !== null) event.next.prev = event;
}
