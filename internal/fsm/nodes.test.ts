// The node table: name order, lookups by name among live and down namesakes, fresh arrays.
import { describe, expect, it } from "vitest";
import { NodeTable, type NodeRecord } from "./nodes.js";

const row = (node_id: string, name: string, status: NodeRecord["status"] = "ready"): NodeRecord => ({
  node_id,
  name,
  http_addr: "127.0.0.1:1",
  resources: { cpus: 1, memory_bytes: 1 << 30, disk_bytes: 0 },
  attributes: {},
  driver: "mock",
  version: "t",
  status,
  status_reason: "registered",
  registered_at_ms: 0,
  status_at_ms: 0,
});

describe("NodeTable", () => {
  it("lists rows by name, namesakes in insertion order, as fresh arrays", () => {
    const t = new NodeTable();
    t.upsert(row("n1", "c"));
    t.upsert(row("n2", "a"));
    t.upsert(row("n3", "b"));
    t.upsert(row("n4", "a"));
    const list = t.all();
    expect(list.map((n) => n.node_id)).toEqual(["n2", "n4", "n3", "n1"]);
    list.reverse();
    expect(t.all().map((n) => n.node_id)).toEqual(["n2", "n4", "n3", "n1"]);
    t.upsert(row("n2", "d")); // renamed
    t.upsert({ ...row("n3", "b"), status: "down" }); // replaced row, same name
    expect(t.all().map((n) => [n.node_id, n.status])).toEqual([
      ["n4", "ready"],
      ["n3", "down"],
      ["n1", "ready"],
      ["n2", "ready"],
    ]);
  });

  it("finds by name the first row registered under it, and forgets old names", () => {
    const t = new NodeTable();
    t.upsert(row("old", "web-1", "down"));
    t.upsert(row("new", "web-1"));
    expect(t.byName("web-1")?.node_id).toBe("old");
    t.upsert(row("old", "web-9", "down"));
    expect(t.byName("web-1")?.node_id).toBe("new");
    expect(t.byName("web-9")?.node_id).toBe("old");
    t.upsert(row("old", "web-1", "down")); // back to the shared name: first by insertion again
    expect(t.byName("web-1")?.node_id).toBe("old");
    expect(t.byName("nobody")).toBeUndefined();
    t.clear();
    expect(t.byName("web-1")).toBeUndefined();
    expect(t.all()).toEqual([]);
  });
});
