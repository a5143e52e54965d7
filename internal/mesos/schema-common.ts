// Decoders for the shared messages (ids, labels, values, attributes, resources), each checked against its type.
import { enumOf, string } from "./codec.js";
import { lazy, message, opaque, repeated } from "./codec-message.js";
import { double, int32, int64, uint64 } from "./codec-number.js";
import * as t from "./types-common.js";
import * as r from "./types-resource.js";

const id = message<{ value: string }>({ value: string }, ["value"]);
export const frameworkId = id;
export const offerId = id;
export const agentId = id;
export const taskId = id;
export const executorId = id;
export const operationId = id;
export const resourceProviderId = id;
export const containerId: ReturnType<typeof message<t.ContainerID>> = message<t.ContainerID>(
  { value: string, parent: lazy(() => containerId) },
  ["value"],
);

export const durationInfo = message<t.DurationInfo>({ nanoseconds: int64 }, ["nanoseconds"]);
export const timeInfo = message<t.TimeInfo>({ nanoseconds: int64 }, ["nanoseconds"]);
export const labels = message<t.Labels>({ labels: repeated(message<t.Label>({ key: string, value: string }, ["key"])) });
export const parameter = message<t.Parameter>({ key: string, value: string }, ["key", "value"]);
export const address = message<t.Address>({ hostname: string, ip: string, port: int32 }, ["port"]);
export const url = message<t.URL>(
  { scheme: string, address, path: string, query: repeated(parameter), fragment: string },
  ["scheme", "address"],
);

export const scalar = message<t.Scalar>({ value: double }, ["value"]);
const range = message<t.Range>({ begin: uint64, end: uint64 }, ["begin", "end"]);
export const ranges = message<t.Ranges>({ range: repeated(range) });
export const valueSet = message<t.ValueSet>({ item: repeated(string) });
const text = message<t.Text>({ value: string }, ["value"]);
const valueType = enumOf(t.value_types, true);

export const attribute = message<t.Attribute>(
  { name: string, type: valueType, scalar, ranges, set: valueSet, text },
  ["name", "type"],
);

const named = message<{ name: string }>({ name: string }, ["name"]);
export const domainInfo = message<t.DomainInfo>({
  fault_domain: message<NonNullable<t.DomainInfo["fault_domain"]>>({ region: named, zone: named }, ["region", "zone"]),
});

const reservation = message<r.ReservationInfo>({
  type: enumOf(r.reservation_types),
  role: string,
  principal: string,
  labels,
});
const diskInfo = message<r.DiskInfo>({
  persistence: message<NonNullable<r.DiskInfo["persistence"]>>({ id: string, principal: string }, ["id"]),
  volume: opaque,
  source: message<NonNullable<r.DiskInfo["source"]>>({ type: enumOf(r.disk_source_types, true) }, ["type"]),
});

export const resource = message<r.Resource>(
  {
    provider_id: resourceProviderId,
    name: string,
    type: valueType,
    scalar,
    ranges,
    set: valueSet,
    role: string,
    allocation_info: message<r.AllocationInfo>({ role: string }),
    reservation,
    reservations: repeated(reservation),
    disk: diskInfo,
    revocable: opaque,
    shared: opaque,
  },
  ["name", "type"],
);

