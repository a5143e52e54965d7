// Snapshot bytes of the state machine. Format 2 (written now): a JSON head with the small tables,
// then the key-value rows in binary with their values raw. Format 1 (all JSON, values as base64)
// is still read: a server restarted on a newer version restores what an older one wrote.
//
// Format 2: [0x02][head len u32][head: UTF-8 JSON]
//           kv_count x [key len u32][key UTF-8][create_index f64][modify_index f64][value len u32][value]
// Keys that UTF-8 cannot carry exactly (a lone surrogate) sit in the head as JSON, value in base64.
// Integers are big-endian. Deterministic code: no Node Buffer, no clock.
import { fromBase64, toBase64 } from "./base64.js";
import { hasLoneSurrogate, type KvEntry } from "./kv.js";
import type { FrameworkRecord } from "./frameworks.js";
import type { Member } from "./members.js";
import type { NodeRecord } from "./nodes.js";
import type { RoleRecord } from "./roles.js";
import type { ServiceRecord } from "./services.js";
import type { TaskRecord } from "./tasks.js";

const format2_tag = 0x02;
const format1_tag = 0x7b; // "{"
const row_fixed_bytes = 4 + 8 + 8 + 4;

/** A row as JSON (format 1's rows, and format 2's odd keys). */
type JsonRow = [string, { v: string; c: number; m: number }];

/** Everything a snapshot holds but the key-value rows. */
export interface SnapshotTables {
  applied_index: number;
  members: Member[];
  members_max_id: number;
  nodes: NodeRecord[];
  services: ServiceRecord[];
  tasks: TaskRecord[];
  /** Absent in snapshots written before frameworks existed. */
  frameworks?: FrameworkRecord[];
  frameworks_completed?: FrameworkRecord[];
  /** Absent in snapshots written before roles existed. */
  roles?: RoleRecord[];
  /** The lowest command-set version that reads this state in full; absent: the baseline. */
  command_set_version_needed?: number;
}

interface Format1 extends Partial<Omit<SnapshotTables, "applied_index" | "members" | "members_max_id">> {
  format: 1;
  applied_index: number;
  kv: JsonRow[];
  members: Member[];
  members_max_id: number;
}

interface Format2Head extends SnapshotTables {
  format: 2;
  kv_count: number;
  kv_json: JsonRow[];
}

export interface DecodedSnapshot {
  tables: SnapshotTables;
  rows: [string, KvEntry][];
}

const utf8 = new TextEncoder();
const utf8_strict = new TextDecoder("utf-8", { fatal: true });

export function encodeSnapshot(tables: SnapshotTables, rows: Iterable<[string, KvEntry]>): Uint8Array {
  const keys: Uint8Array[] = [];
  const entries: KvEntry[] = [];
  const kv_json: JsonRow[] = [];
  let rows_bytes = 0;
  for (const [k, e] of rows) {
    if (hasLoneSurrogate(k)) {
      kv_json.push([k, { v: toBase64(e.value), c: e.create_index, m: e.modify_index }]);
      continue;
    }
    const kb = utf8.encode(k);
    keys.push(kb);
    entries.push(e);
    rows_bytes += row_fixed_bytes + kb.length + e.value.length;
  }
  const head: Format2Head = { format: 2, ...tables, kv_count: keys.length, kv_json };
  const head_bytes = utf8.encode(JSON.stringify(head));
  const out = new Uint8Array(5 + head_bytes.length + rows_bytes);
  const dv = new DataView(out.buffer);
  out[0] = format2_tag;
  dv.setUint32(1, head_bytes.length);
  out.set(head_bytes, 5);
  let o = 5 + head_bytes.length;
  for (let i = 0; i < keys.length; i++) {
    const kb = keys[i]!;
    const e = entries[i]!;
    dv.setUint32(o, kb.length);
    out.set(kb, o + 4);
    o += 4 + kb.length;
    dv.setFloat64(o, e.create_index);
    dv.setFloat64(o + 8, e.modify_index);
    dv.setUint32(o + 16, e.value.length);
    out.set(e.value, o + 20);
    o += 20 + e.value.length;
  }
  return out;
}

export function decodeSnapshot(data: Uint8Array): DecodedSnapshot {
  if (data[0] === format1_tag) return decodeFormat1(data);
  if (data[0] !== format2_tag) throw new Error(`fsm: snapshot in no known format (first byte ${data[0] ?? "none"}, ${data.length} bytes)`);
  const cut = (what: string): Error => new Error(`fsm: snapshot is cut short in ${what} (${data.length} bytes)`);
  if (data.length < 5) throw cut("its header");
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const head_len = dv.getUint32(1);
  if (5 + head_len > data.length) throw cut("its head");
  const head = JSON.parse(utf8_strict.decode(data.subarray(5, 5 + head_len))) as Format2Head;
  if (head.format !== 2) throw new Error(`fsm: snapshot head says format ${head.format}, expected 2`);
  const rows: [string, KvEntry][] = [];
  let o = 5 + head_len;
  for (let i = 0; i < head.kv_count; i++) {
    if (o + 4 > data.length) throw cut(`row ${i}`);
    const key_len = dv.getUint32(o);
    if (o + 4 + key_len + 20 > data.length) throw cut(`row ${i}`);
    const key = utf8_strict.decode(data.subarray(o + 4, o + 4 + key_len));
    o += 4 + key_len;
    const create_index = dv.getFloat64(o);
    const modify_index = dv.getFloat64(o + 8);
    const value_len = dv.getUint32(o + 16);
    o += 20;
    if (o + value_len > data.length) throw cut(`row ${i}'s value`);
    // A copy: rows must not keep the whole snapshot alive.
    rows.push([key, { value: new Uint8Array(data.subarray(o, o + value_len)), create_index, modify_index }]);
    o += value_len;
  }
  if (o !== data.length) throw new Error(`fsm: snapshot has ${data.length - o} bytes after its last row`);
  for (const r of head.kv_json) rows.push(jsonRow(r));
  const { applied_index, members, members_max_id, nodes, services, tasks, frameworks, frameworks_completed, roles, command_set_version_needed } = head;
  return {
    tables: {
      applied_index,
      members,
      members_max_id,
      nodes,
      services,
      tasks,
      frameworks: frameworks ?? [],
      frameworks_completed: frameworks_completed ?? [],
      roles: roles ?? [],
      ...(command_set_version_needed !== undefined ? { command_set_version_needed } : {}),
    },
    rows,
  };
}

function jsonRow([k, e]: JsonRow): [string, KvEntry] {
  return [k, { value: fromBase64(e.v), create_index: e.c, modify_index: e.m }];
}

function decodeFormat1(data: Uint8Array): DecodedSnapshot {
  const body = JSON.parse(utf8_strict.decode(data)) as Format1;
  if (body.format !== 1) throw new Error(`fsm: snapshot format ${body.format} is not 1 or 2`);
  return {
    tables: {
      applied_index: body.applied_index,
      members: body.members,
      members_max_id: body.members_max_id,
      nodes: body.nodes ?? [],
      services: body.services ?? [],
      tasks: body.tasks ?? [],
      roles: body.roles ?? [],
    },
    rows: body.kv.map(jsonRow),
  };
}
