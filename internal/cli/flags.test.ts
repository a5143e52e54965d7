// Flag parsers reject bad values with a message naming the flag and what is accepted.
import { describe, expect, it } from "vitest";
import { UsageError } from "./errors.js";
import { parseHost, parsePort } from "./flags.js";

describe("parsePort", () => {
  it("accepts ports 1..65535", () => {
    expect(parsePort("--http-port", "1")).toBe(1);
    expect(parsePort("--http-port", "65535")).toBe(65535);
  });
  it.each(["0", "65536", "-1", "80a", "", "1.5", "99999999"])("rejects %j naming the flag", (raw) => {
    expect(() => parsePort("--http-port", raw)).toThrow(UsageError);
    expect(() => parsePort("--http-port", raw)).toThrow(/--http-port/);
  });
});

describe("parseHost", () => {
  it("accepts IPv4, IPv6 and names", () => {
    expect(parseHost("--bind", "127.0.0.1")).toBe("127.0.0.1");
    expect(parseHost("--bind", "::1")).toBe("::1");
    expect(parseHost("--bind", "node-1.example")).toBe("node-1.example");
  });
  it.each(["256.1.1.1", "a b", "", "http://x"])("rejects %j", (raw) => {
    expect(() => parseHost("--bind", raw)).toThrow(/--bind .* is not an address/);
  });
});
