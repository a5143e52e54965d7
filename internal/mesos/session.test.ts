// One framework's conversation end to end through the pure layer: subscribe, offer, launch, update, acknowledge.
import { expect, it } from "vitest";
import {
  buildOffer, checkStream, decodeEvent, encodeEvent, encodeRecord, frameworkProblem, mesosStateOf, offersEvent,
  planAccept, readCallRequest, RecordIODecoder, statusForFramework, statusUuid, subscribedEvent,
  taskStatus, translateTask, updateEvent, capabilitiesOf, type Event,
} from "./index.js";

const json = { "content-type": "application/json" };

it("a framework subscribes, launches a task from its offer, and acknowledges the update it streamed", () => {
  // SUBSCRIBE, as a client library sends it.
  const sub = readCallRequest({
    method: "POST",
    headers: { ...json, accept: "application/json" },
    body: JSON.stringify({ type: "SUBSCRIBE", subscribe: { framework_info: { user: "root", name: "demo", capabilities: [{ type: "TASK_KILLING_STATE" }] } } }),
  });
  if (!sub.ok || sub.call.type !== "SUBSCRIBE") throw new Error("subscribe refused");
  expect(frameworkProblem(sub.call.subscribe.framework_info)).toBeNull();
  const capabilities = capabilitiesOf(sub.call.subscribe.framework_info);

  // The stream the server writes, and the client reads back.
  const offer = buildOffer({
    offer_id: "o-1", framework_id: "fw-1", agent_id: "n-1", hostname: "node1", cpus: 2, memory_bytes: 2 ** 30, disk_bytes: 0,
    ports: [{ begin: 31000, end: 31010 }], attributes: {}, role: "*", multi_role: false,
  });
  const uuid = statusUuid(new Uint8Array(16).fill(7));
  const mesos = mesosStateOf("RUNNING", "running");
  const update = statusForFramework(taskStatus({ task_id: "web-1", agent_id: "n-1", ...mesos }, 1_700_000_000_000, uuid), capabilities);
  if (update === null) throw new Error("update filtered");
  const written = [subscribedEvent("fw-1", 15), offersEvent([offer]), updateEvent(update)].map((e) => encodeRecord(encodeEvent(e)));
  const decoder = new RecordIODecoder(1 << 20);
  const read: Event[] = decoder.push(Buffer.concat(written)).map((r) => decodeEvent(JSON.parse(r.toString())));
  expect(read.map((e) => e.type)).toEqual(["SUBSCRIBED", "OFFERS", "UPDATE"]);
  const got_offer = read[1]?.offers?.offers?.[0];
  if (got_offer === undefined) throw new Error("no offer");

  // ACCEPT with a task built from the offer, checked and translated as the server will.
  const task = {
    name: "web", task_id: { value: "web-1" }, agent_id: got_offer.agent_id,
    resources: [
      { name: "cpus", type: "SCALAR", scalar: { value: 0.5 } },
      { name: "mem", type: "SCALAR", scalar: { value: 64 } },
      { name: "ports", type: "RANGES", ranges: { range: [{ begin: 31000, end: 31000 }] } },
    ],
    command: { value: "httpd -f -p 8080" },
    container: { type: "DOCKER", docker: { image: "busybox", network: "BRIDGE", port_mappings: [{ host_port: 31000, container_port: 8080 }] } },
  };
  const accept = readCallRequest({
    method: "POST", headers: { ...json, "mesos-stream-id": "s-1" },
    body: JSON.stringify({ type: "ACCEPT", framework_id: { value: "fw-1" }, accept: { offer_ids: [got_offer.id], operations: [{ type: "LAUNCH", launch: { task_infos: [task] } }] } }),
  });
  if (!accept.ok || accept.call.type !== "ACCEPT") throw new Error("accept refused");
  expect(checkStream(accept.call, accept.stream_id, { connected: true, stream_id: "s-1" })).toBeNull();
  const plan = planAccept(accept.call.accept.operations ?? []);
  const [info] = plan.launch;
  if (info === undefined) throw new Error("nothing to launch");
  const translated = translateTask(info, { task_id: "fw-1.web-1", host_ip: "0.0.0.0" });
  if (!translated.ok) throw new Error(translated.message);
  expect(translated.plan.spec).toMatchObject({ image: "busybox", cpus: 0.5, memory_bytes: 64 * 2 ** 20, ports: [{ host_port: 31000, container_port: 8080, protocol: "tcp" }] });

  // ACKNOWLEDGE with the uuid exactly as the client received it.
  const status = read[2]?.update?.status;
  const ack = readCallRequest({
    method: "POST", headers: { ...json, "mesos-stream-id": "s-1" },
    body: JSON.stringify({ type: "ACKNOWLEDGE", framework_id: { value: "fw-1" }, acknowledge: { agent_id: status?.agent_id, task_id: status?.task_id, uuid: JSON.parse(encodeEvent(read[2] ?? {})).update.status.uuid } }),
  });
  if (!ack.ok || ack.call.type !== "ACKNOWLEDGE") throw new Error("ack refused");
  expect(ack.call.acknowledge.uuid).toEqual(uuid);
});
