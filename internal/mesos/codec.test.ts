// Mesos's JSON reading rules at the level of single fields: what a client may send and what it is told.
import { describe, expect, it } from "vitest";
import { bool, bytes, DecodeError, enumOf, string } from "./codec.js";
import { map, message, repeated } from "./codec-message.js";
import { double, int32, int64, uint32 } from "./codec-number.js";
import { decodeBase64, encodeBase64 } from "./base64.js";

function problem(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    if (error instanceof DecodeError) return error.message;
    throw error;
  }
  throw new Error("no error");
}

describe("numbers", () => {
  it("doubles from numbers, numeric strings and the strings Infinity/-Infinity", () => {
    expect(["1.5", "-2e3", "Infinity", "-Infinity", 7].map((v) => double(v, "x"))).toEqual([1.5, -2000, Infinity, -Infinity, 7]);
    expect(problem(() => double("1.5.2", "filters.refuse_seconds"))).toBe('filters.refuse_seconds must be a number, not the string "1.5.2"');
  });

  it("64-bit ints as numbers or strings; 32-bit ranges enforced; fractions refused", () => {
    expect(int64("9007199254740993", "n")).toBe(9007199254740992);
    expect(int64(-5, "n")).toBe(-5);
    expect(problem(() => int32(2 ** 31, "port"))).toBe("port is 2147483648, outside the int32 range -2147483648..2147483647");
    expect(problem(() => uint32(-1, "host_port"))).toBe("host_port is -1, outside the uint32 range 0..4294967295");
    expect(problem(() => int64(1.5, "grace_period.nanoseconds"))).toBe("grace_period.nanoseconds must be a whole number (int64), not number 1.5");
  });
});

describe("scalars", () => {
  it("booleans as true/false or their strings", () => {
    expect([true, "false"].map((v) => bool(v, "b"))).toEqual([true, false]);
    expect(problem(() => bool(1, "shell"))).toBe("shell must be true or false, not number 1");
  });

  it("null is unset for every kind", () => {
    expect([string, bool, bytes, double, int64].map((read) => read(null, "x"))).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it("optional enums drop unknown names (a newer client's capability); required ones refuse them", () => {
    const optional = enumOf(["A", "B"]);
    expect(optional("C", "t")).toBeUndefined();
    expect(problem(() => enumOf(["A", "B"], true)("C", "type"))).toBe('type is "C", which is not one of A, B');
    expect(problem(() => optional(1, "type"))).toBe("type must be an enum name (a string), not number 1");
  });
});

describe("base64 bytes", () => {
  it("reads padded, unpadded and whitespace-broken standard base64, as stout does", () => {
    const data = new Uint8Array([0, 1, 2, 250, 251, 252, 253]);
    const text = encodeBase64(data);
    expect(text).toBe("AAEC+vv8/Q==");
    for (const form of [text, "AAEC+vv8/Q", "AAEC\n+vv8/Q=="]) expect(decodeBase64(form)).toEqual(data);
  });

  it("refuses the URL-safe alphabet and a dangling character", () => {
    expect(decodeBase64("AAEC-vv8_Q")).toMatch(/^invalid character "-"/);
    expect(decodeBase64("AAECA")).toBe("5 characters cannot be base64 (one is left over)");
  });
});

describe("messages, repeated fields and maps", () => {
  const item = message<{ key: string; n?: number }>({ key: string, n: double }, ["key"]);

  it("a repeated field takes an array, or one value as a one-element list (stout's rule); paths carry the index", () => {
    expect(repeated(item)({ key: "a" }, "items")).toEqual([{ key: "a" }]);
    expect(repeated(string)(["a", null, "b"], "roles")).toEqual(["a", "b"]);
    expect(problem(() => repeated(item)([{ key: "a" }, { key: 1 }], "items"))).toBe("items[1].key must be a string, not number 1");
  });

  it("a message refuses arrays and scalars, naming the field", () => {
    expect(problem(() => item([], "framework_info"))).toBe("framework_info must be an object, not an array");
  });

  it("maps keep every key, even __proto__, as a plain entry", () => {
    const read = map(double)(JSON.parse('{"__proto__": 1, "mem": "2"}'), "limits");
    expect(Object.keys(read ?? {})).toEqual(["__proto__", "mem"]);
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    expect(problem(() => map(double)({ cpus: true }, "limits"))).toBe('limits["cpus"] must be a number, not boolean true');
  });
});
