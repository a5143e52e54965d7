// Events as a framework receives them: compact ASCII JSON, bytes in base64, numbers as numbers, read back whole.
import { describe, expect, it } from "vitest";
import { encodeEvent, encodeJson } from "./json-encode.js";
import { decodeEvent } from "./event-decode.js";
import { doc_events } from "./docs-examples.test-util.js";
import type { Event } from "./types-event.js";

describe("encodeJson", () => {
  it("writes every non-ASCII character as \\uXXXX (surrogate pairs as two) and nothing else escaped", () => {
    const text = encodeJson({ message: "café ☕ 𝄞 \u007f", key_é: 1 });
    expect(text).toBe('{"message":"caf\\u00e9 \\u2615 \\ud834\\udd1e \\u007f","key_\\u00e9":1}');
    expect(/^[\x20-\x7e]*$/.test(text)).toBe(true);
    expect(JSON.parse(text)).toEqual({ message: "café ☕ 𝄞 \u007f", key_é: 1 });
  });

  it("writes bytes as padded standard base64, leaves unset fields out, keeps numbers as numbers", () => {
    const text = encodeJson({ uuid: new Uint8Array([251, 255, 254, 1]), data: undefined, timestamp: 1764689000.25, port: 31000 });
    expect(text).toBe('{"uuid":"+//+AQ==","timestamp":1764689000.25,"port":31000}');
  });

  it("writes infinities as the strings Mesos reads back, NaN as unset-null", () => {
    expect(encodeJson({ a: Infinity, b: -Infinity, c: NaN })).toBe('{"a":"Infinity","b":"-Infinity","c":null}');
  });
});

describe("the docs' event examples", () => {
  it("decode as a framework reads them; the flattened OFFERS and ERROR shown there do not fit the protos", () => {
    const subscribed = decodeEvent(JSON.parse(doc_events.SUBSCRIBED));
    expect(subscribed.subscribed).toEqual({ framework_id: { value: "12220-3440-12532-2345" }, heartbeat_interval_seconds: 15 });
    expect(decodeEvent(JSON.parse(doc_events.RESCIND)).rescind?.offer_id.value).toBe("12214-23523-O235235");
    expect(decodeEvent(JSON.parse(doc_events.FAILURE)).failure?.status).toBe(1);
    expect(decodeEvent(JSON.parse(doc_events.HEARTBEAT))).toEqual({ type: "HEARTBEAT" });
    // The docs put the offers array straight under "offers"; scheduler.proto nests it: offers.offers.
    expect(() => decodeEvent(JSON.parse(doc_events.OFFERS))).toThrow("offers must be an object, not an array");
    // ... the error text straight under "message" (the MESSAGE event's key), where the proto wants error.message,
    expect(() => decodeEvent(JSON.parse(doc_events.ERROR))).toThrow('message must be an object, not the string "Framework is not authorized"');
    // ... and an operation status uuid as a bare string, where the proto has UUID { value }.
    expect(() => decodeEvent(JSON.parse(doc_events.UPDATE_OPERATION_STATUS))).toThrow("update_operation_status.status.uuid must be an object");
  });

  it("each documented event that fits the protos survives encode → decode unchanged", () => {
    for (const name of ["SUBSCRIBED", "RESCIND", "UPDATE", "MESSAGE_EVENT", "FAILURE", "HEARTBEAT"] as const) {
      const event: Event = decodeEvent(JSON.parse(doc_events[name]));
      expect(decodeEvent(JSON.parse(encodeEvent(event)))).toEqual(event);
    }
  });
});
