// Offers and MasterInfo as a framework reads them: MB units, roles by capability, and what an ACCEPT can take.
import { describe, expect, it } from "vitest";
import { buildMasterInfo, buildOffer, masterIp, type OfferInput } from "./offer-build.js";
import { decodeEvent } from "./event-decode.js";
import { encodeEvent } from "./json-encode.js";
import { offersEvent } from "./events.js";

const input: OfferInput = {
  offer_id: "o-1", framework_id: "fw-1", agent_id: "n-1", hostname: "node1", cpus: 2, memory_bytes: 1536 * 1024 * 1024,
  disk_bytes: 10 * 1024 * 1024 * 1024, ports: [{ begin: 31000, end: 32000 }], attributes: { zone: "a", os: "linux" }, role: "eng", multi_role: true,
  agent_address: { ip: "10.0.0.5", port: 7070 },
};

describe("buildOffer", () => {
  it("offers cpus, mem and disk in MB and ports as ranges, unreserved, allocated to the role for MULTI_ROLE frameworks", () => {
    const offer = buildOffer(input);
    expect(offer.resources).toEqual([
      { name: "cpus", type: "SCALAR", scalar: { value: 2 }, role: "*", allocation_info: { role: "eng" } },
      { name: "mem", type: "SCALAR", scalar: { value: 1536 }, role: "*", allocation_info: { role: "eng" } },
      { name: "disk", type: "SCALAR", scalar: { value: 10240 }, role: "*", allocation_info: { role: "eng" } },
      { name: "ports", type: "RANGES", ranges: { range: [{ begin: 31000, end: 32000 }] }, role: "*", allocation_info: { role: "eng" } },
    ]);
    expect(offer.allocation_info).toEqual({ role: "eng" });
    expect(offer.attributes).toEqual([{ name: "os", type: "TEXT", text: { value: "linux" } }, { name: "zone", type: "TEXT", text: { value: "a" } }]);
    expect(offer.url?.address).toEqual({ hostname: "node1", ip: "10.0.0.5", port: 7070 });
  });

  it("leaves allocation_info out for frameworks without MULTI_ROLE", () => {
    const offer = buildOffer({ ...input, multi_role: false });
    expect(offer.allocation_info).toBeUndefined();
    expect(offer.resources?.every((r) => r.allocation_info === undefined)).toBe(true);
  });

  it("goes out as a valid OFFERS event", () => {
    const offer = buildOffer(input);
    expect(decodeEvent(JSON.parse(encodeEvent(offersEvent([offer]))))).toEqual(offersEvent([offer]));
  });
});

describe("buildMasterInfo", () => {
  it("packs the IPv4 address as Mesos does and names the master's address", () => {
    expect(masterIp("127.0.0.1")).toBe(16777343);
    expect(masterIp("::1")).toBe(0);
    expect(buildMasterInfo({ id: "s1", hostname: "orch-1", ip: "10.1.2.3", port: 5050, version: "0.1.0" })).toEqual({
      id: "s1", ip: 0x0302010a, port: 5050, pid: "master@10.1.2.3:5050", hostname: "orch-1", version: "0.1.0",
      address: { hostname: "orch-1", ip: "10.1.2.3", port: 5050 },
    });
  });
});
