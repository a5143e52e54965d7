// The fuzz plan: every generator with its share of the run, drawn in order from one seed.
import { Prng } from "../sim/prng.js";
import { assignmentsQuery, heartbeat, registerField, status } from "./gen-agent-api.js";
import { agentPort } from "./gen-agent-port.js";
import { jsonContentType, jsonDeep, jsonMalformed, jsonNotObject, jsonTooLarge, membersJoin, membersRemove, scale } from "./gen-json.js";
import { kvDelete, kvGet, kvList, kvPut, kvTooLarge } from "./gen-kv.js";
import { frameworkRoutes, mesosCall, mesosSubscribe, mesosTransport } from "./gen-mesos.js";
import { operatorBadCall, operatorBadStateRequest, operatorValidRead } from "./gen-operator.js";
import { roleField, roleOverLimit, roleShape } from "./gen-role.js";
import { serviceField, serviceJobCount, serviceUnknownField } from "./gen-service.js";
import { badMethod, oddValidRead, taskLogsQuery, unknownIdRequest, unknownPath, unknownQuery } from "./gen-routes.js";
import type { FuzzRequest } from "./send.js";
import type { Target } from "./target.js";

type Generator = (r: Prng, t: Target) => FuzzRequest;

/** Relative weights; the large-body generators stay rare to keep the run fast. */
const plan: readonly [Generator, number][] = [
  [jsonMalformed, 8],
  [jsonNotObject, 3],
  [jsonContentType, 5],
  [jsonDeep, 4],
  [jsonTooLarge, 1],
  [serviceField, 14],
  [serviceUnknownField, 2],
  [serviceJobCount, 1],
  [roleField, 5],
  [roleOverLimit, 1],
  [roleShape, 2],
  [registerField, 6],
  [heartbeat, 2],
  [status, 6],
  [assignmentsQuery, 2],
  [scale, 3],
  [membersJoin, 3],
  [membersRemove, 2],
  [kvPut, 5],
  [kvDelete, 4],
  [kvGet, 3],
  [kvList, 2],
  [kvTooLarge, 0.4],
  [unknownQuery, 8],
  [taskLogsQuery, 3],
  [unknownIdRequest, 5],
  [badMethod, 5],
  [unknownPath, 3],
  [agentPort, 5],
  [oddValidRead, 2],
  [mesosSubscribe, 3],
  [mesosCall, 5],
  [mesosTransport, 3],
  [frameworkRoutes, 2],
  [operatorBadCall, 8],
  [operatorBadStateRequest, 2],
  [operatorValidRead, 1],
];

/** `count` requests, the same ones for the same seed and target. */
export function generate(seed: number, count: number, t: Target): FuzzRequest[] {
  const r = new Prng(seed);
  const total = plan.reduce((s, [, w]) => s + w, 0);
  const out: FuzzRequest[] = [];
  for (let i = 0; i < count; i++) {
    let x = r.float() * total;
    const [g] = plan.find(([, w]) => (x -= w) < 0) ?? plan[plan.length - 1]!;
    // Each request draws from its own fork, so changing one generator leaves the others' requests alone.
    out.push(g(r.fork(), t));
  }
  return out;
}
