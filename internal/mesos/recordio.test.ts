// RecordIO as a client reads it: byte lengths with multibyte text, any chunking, and bounded records.
import { describe, expect, it } from "vitest";
import { encodeRecord } from "./recordio.js";
import { RecordIODecoder, RecordIOError } from "./recordio-decoder.js";

const records = ['{"type":"HEARTBEAT"}', '{"message":"café ☕ 𝄞"}', "x"];

describe("encodeRecord", () => {
  it("prefixes the UTF-8 byte length, not the character count, in one buffer", () => {
    const frame = encodeRecord('{"m":"é"}');
    expect(frame.toString("utf8")).toBe('10\n{"m":"é"}');
    expect(encodeRecord(new Uint8Array([1, 2, 3]))).toEqual(Buffer.from([0x33, 0x0a, 1, 2, 3]));
  });

  it("refuses an empty record, which Mesos never sends", () => {
    expect(() => encodeRecord("")).toThrow(/empty record/);
  });
});

describe("RecordIODecoder", () => {
  const stream = Buffer.concat(records.map((r) => encodeRecord(r)));

  it("reads records back whole, however the stream is cut (every split point, one byte at a time)", () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const decoder = new RecordIODecoder(1024);
      const got = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
      decoder.end();
      expect(got.map((b) => b.toString("utf8"))).toEqual(records);
    }
    const decoder = new RecordIODecoder(1024);
    const got = [...stream].flatMap((byte) => decoder.push(new Uint8Array([byte])));
    expect(got.map((b) => b.toString("utf8"))).toEqual(records);
  });

  it("keeps a record's first part when the caller reuses its read buffer", () => {
    const decoder = new RecordIODecoder(64);
    const buffer = Buffer.from("5\nab");
    expect(decoder.push(buffer)).toEqual([]);
    buffer.write("zzzz");
    expect(decoder.push(Buffer.from("cde")).map(String)).toEqual(["abcde"]);
  });

  it("refuses a record over the bound, naming it, and stays failed", () => {
    const decoder = new RecordIODecoder(8);
    expect(() => decoder.push(Buffer.from("9\n123456789"))).toThrow(
      "recordio: a record of 9 bytes is over record_bytes_max (8); raise the bound or find what sends it",
    );
    expect(() => decoder.push(Buffer.from("1\nx"))).toThrow(RecordIOError);
  });

  it("refuses a header that is not digits, or too long for a uint64", () => {
    expect(() => new RecordIODecoder(8).push(Buffer.from("HTTP/1.1 200\n"))).toThrow(/byte 0x48, not a digit/);
    expect(() => new RecordIODecoder(8).push(Buffer.from("1".repeat(21)))).toThrow(/longer than 20 digits/);
    expect(() => new RecordIODecoder(8).push(Buffer.from("\n"))).toThrow(/a length header is empty/);
  });

  it("end() reports a stream cut inside a record or a header", () => {
    const inRecord = new RecordIODecoder(64);
    inRecord.push(Buffer.from("5\nab"));
    expect(() => inRecord.end()).toThrow("recordio: the stream ended 3 bytes short of the last record");
    const inHeader = new RecordIODecoder(64);
    inHeader.push(Buffer.from("12"));
    expect(() => inHeader.end()).toThrow('recordio: the stream ended inside a length header ("12")');
  });
});
