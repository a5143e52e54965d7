// Seeded generators of raft messages for the codec and transport tests.
import { SeededRand, type Entry, type Message, type MessageType } from "../../raft/index.js";
import { MESSAGE_TYPES } from "./codec.js";

export { MESSAGE_TYPES };

export function bytes(rand: SeededRand, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rand.intn(256);
  return out;
}

/** Mostly small numbers, sometimes near 2^53 so the u53 encoding is exercised at its edge. */
export function num(rand: SeededRand): number {
  switch (rand.intn(4)) {
    case 0:
      return 0;
    case 1:
      return rand.intn(1000);
    case 2:
      return rand.nextUint32() * 0x20_0000 + rand.intn(0x20_0000);
    default:
      return Number.MAX_SAFE_INTEGER - rand.intn(10);
  }
}

export function entry(rand: SeededRand): Entry {
  return { term: num(rand), index: num(rand), type: rand.intn(2) === 0 ? "Normal" : "ConfChange", data: bytes(rand, rand.intn(64)) };
}

export function randomMessage(rand: SeededRand, type: MessageType): Message {
  const entries: Entry[] = [];
  const n = rand.intn(4) === 0 ? rand.intn(20) : 0;
  for (let i = 0; i < n; i++) entries.push(entry(rand));
  const m: Message = {
    type,
    to: num(rand),
    from: num(rand),
    term: num(rand),
    logTerm: num(rand),
    index: num(rand),
    entries,
    commit: num(rand),
    reject: rand.intn(2) === 1,
    rejectHint: num(rand),
    context: bytes(rand, rand.intn(3) === 0 ? rand.intn(40) : 0),
  };
  if (type !== "MsgSnap" && rand.intn(5) !== 0) return m;
  const ids = (k: number): number[] => Array.from({ length: k }, () => num(rand));
  return {
    ...m,
    snapshot: {
      metadata: { index: num(rand), term: num(rand), confState: { voters: ids(rand.intn(6)), learners: ids(rand.intn(3)) } },
      data: bytes(rand, rand.intn(300)),
    },
  };
}
