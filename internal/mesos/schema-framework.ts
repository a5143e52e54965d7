// Decoders for FrameworkInfo, MasterInfo, Offer (with its operations) and Filters.
import { bool, enumOf, string } from "./codec.js";
import { map, message, opaque, repeated } from "./codec-message.js";
import { double, uint32 } from "./codec-number.js";
import {
  address, agentId, attribute, domainInfo, executorId, frameworkId, labels, offerId, operationId, resource, url,
} from "./schema-common.js";
import { executorInfo, taskGroupInfo, taskInfo } from "./schema-task.js";
import * as f from "./types-framework.js";
import type { AllocationInfo } from "./types-resource.js";

export const frameworkInfo = message<f.FrameworkInfo>(
  {
    user: string,
    name: string,
    id: frameworkId,
    failover_timeout: double,
    checkpoint: bool,
    role: string,
    roles: repeated(string),
    hostname: string,
    principal: string,
    webui_url: string,
    capabilities: repeated(message<{ type?: f.FrameworkCapability }>({ type: enumOf(f.framework_capabilities) })),
    labels,
    offer_filters: map(opaque),
  },
  ["user", "name"],
);

export const masterInfo = message<f.MasterInfo>(
  {
    id: string,
    ip: uint32,
    port: uint32,
    pid: string,
    hostname: string,
    version: string,
    address,
    domain: domainInfo,
    capabilities: repeated(message<{ type?: (typeof f.master_capabilities)[number] }>({ type: enumOf(f.master_capabilities) })),
  },
  ["id", "ip", "port"],
);

export const offerOperation = message<f.OfferOperation>({
  type: enumOf(f.operation_types),
  id: operationId,
  launch: message<NonNullable<f.OfferOperation["launch"]>>({ task_infos: repeated(taskInfo) }),
  launch_group: message<NonNullable<f.OfferOperation["launch_group"]>>(
    { executor: executorInfo, task_group: taskGroupInfo },
    ["executor", "task_group"],
  ),
  reserve: opaque,
  unreserve: opaque,
  create: opaque,
  destroy: opaque,
  grow_volume: opaque,
  shrink_volume: opaque,
  create_disk: opaque,
  destroy_disk: opaque,
});

const allocationInfo = message<AllocationInfo>({ role: string });

export const offer = message<f.Offer>(
  {
    id: offerId,
    framework_id: frameworkId,
    agent_id: agentId,
    hostname: string,
    url,
    domain: domainInfo,
    resources: repeated(resource),
    attributes: repeated(attribute),
    executor_ids: repeated(executorId),
    unavailability: opaque,
    allocation_info: allocationInfo,
  },
  ["id", "framework_id", "agent_id", "hostname"],
);

export const inverseOffer = message<f.InverseOffer>(
  { id: offerId, url, framework_id: frameworkId, agent_id: agentId, unavailability: opaque, resources: repeated(resource) },
  ["id", "framework_id", "unavailability"],
);

export const filters = message<f.Filters>({ refuse_seconds: double });
