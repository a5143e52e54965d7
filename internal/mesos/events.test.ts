// The events as bytes on a framework's stream: exact JSON for each builder, and a full stream read back.
import { describe, expect, it } from "vitest";
import {
  errorEvent, error_failed_over, failureEvent, heartbeatEvent, messageEvent, offersEvent, rescindEvent, subscribedEvent, updateEvent,
} from "./events.js";
import { encodeEvent } from "./json-encode.js";
import { decodeEvent } from "./event-decode.js";
import { encodeRecord } from "./recordio.js";
import { RecordIODecoder } from "./recordio-decoder.js";
import { statusUuid, taskStatus } from "./task-status.js";
import type { Offer } from "./types-framework.js";

const offer: Offer = {
  id: { value: "o-1" }, framework_id: { value: "fw-1" }, agent_id: { value: "n-1" }, hostname: "node1.example",
  url: { scheme: "http", address: { hostname: "node1.example", ip: "10.0.0.5", port: 5051 }, path: "/slave(1)" },
  resources: [
    { name: "cpus", type: "SCALAR", scalar: { value: 1.5 }, role: "*", allocation_info: { role: "eng" } },
    { name: "ports", type: "RANGES", ranges: { range: [{ begin: 31000, end: 32000 }] }, role: "*", allocation_info: { role: "eng" } },
  ],
  attributes: [{ name: "os", type: "TEXT", text: { value: "linux" } }],
  allocation_info: { role: "eng" },
};

describe("event JSON, exactly as written", () => {
  it("SUBSCRIBED, HEARTBEAT, RESCIND, ERROR", () => {
    expect(encodeEvent(subscribedEvent("fw-1", 15))).toBe('{"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"fw-1"},"heartbeat_interval_seconds":15}}');
    expect(encodeEvent(heartbeatEvent())).toBe('{"type":"HEARTBEAT"}');
    expect(encodeEvent(rescindEvent("o-1"))).toBe('{"type":"RESCIND","rescind":{"offer_id":{"value":"o-1"}}}');
    expect(encodeEvent(errorEvent(error_failed_over))).toBe('{"type":"ERROR","error":{"message":"Framework failed over"}}');
  });

  it("OFFERS nests the array under offers.offers", () => {
    const json = JSON.parse(encodeEvent(offersEvent([offer])));
    expect(Object.keys(json)).toEqual(["type", "offers"]);
    expect(json.offers.offers[0].resources[1].ranges).toEqual({ range: [{ begin: 31000, end: 32000 }] });
  });

  it("UPDATE carries update.status with a base64 uuid and a fractional timestamp", () => {
    const uuid = statusUuid(new Uint8Array(16).fill(0xff));
    const status = taskStatus({ task_id: "t-1", state: "TASK_RUNNING", source: "SOURCE_EXECUTOR", agent_id: "n-1", message: "running" }, 1764689000123, uuid);
    expect(encodeEvent(updateEvent(status))).toBe(
      '{"type":"UPDATE","update":{"status":{"task_id":{"value":"t-1"},"state":"TASK_RUNNING","message":"running","source":"SOURCE_EXECUTOR",' +
        '"agent_id":{"value":"n-1"},"timestamp":1764689000.123,"uuid":"////////T/+//////////w=="}}}',
    );
  });

  it("FAILURE leaves out what it does not know; MESSAGE data is base64", () => {
    expect(encodeEvent(failureEvent({ agent_id: "n-1" }))).toBe('{"type":"FAILURE","failure":{"agent_id":{"value":"n-1"}}}');
    expect(encodeEvent(messageEvent("n-1", "e-1", new Uint8Array([104, 105])))).toBe(
      '{"type":"MESSAGE","message":{"agent_id":{"value":"n-1"},"executor_id":{"value":"e-1"},"data":"aGk="}}',
    );
  });
});

describe("a stream as a framework reads it", () => {
  it("every event survives RecordIO framing, arbitrary chunking and decoding unchanged", () => {
    const events = [
      subscribedEvent("fw-1", 15, { id: "m-1", ip: 0x0100007f, port: 5050, hostname: "orch-1", version: "1.11.0" }),
      heartbeatEvent(),
      offersEvent([offer]),
      updateEvent(taskStatus({ task_id: "t-✓", state: "TASK_FAILED", source: "SOURCE_AGENT", reason: "REASON_CONTAINER_LIMITATION_MEMORY", message: "OOM — 128 MiB" }, 1.5e12, statusUuid(new Uint8Array(16)))),
      rescindEvent("o-1"),
      failureEvent({ agent_id: "n-1", executor_id: "e", status: 137 }),
      errorEvent("Framework has been removed"),
    ];
    const stream = Buffer.concat(events.map((e) => encodeRecord(encodeEvent(e))));
    const decoder = new RecordIODecoder(64 * 1024);
    const got = [];
    for (let at = 0; at < stream.length; at += 7) got.push(...decoder.push(stream.subarray(at, at + 7)));
    decoder.end();
    expect(got.map((record) => decodeEvent(JSON.parse(record.toString("utf8"))))).toEqual(events);
  });
});
