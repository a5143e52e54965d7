// Mesos v1 FrameworkInfo, MasterInfo, Offer with its operations, and Filters (mesos.proto).
import type {
  AgentID, Address, Attribute, DomainInfo, ExecutorID, FrameworkID, Labels, OfferID, OperationID, URL,
} from "./types-common.js";
import type { AllocationInfo, Resource } from "./types-resource.js";
import type { ExecutorInfo, TaskGroupInfo, TaskInfo } from "./types-task.js";

export const framework_capabilities = [
  "UNKNOWN", "REVOCABLE_RESOURCES", "TASK_KILLING_STATE", "GPU_RESOURCES", "SHARED_RESOURCES",
  "PARTITION_AWARE", "MULTI_ROLE", "RESERVATION_REFINEMENT", "REGION_AWARE",
] as const;
export type FrameworkCapability = (typeof framework_capabilities)[number];

export interface FrameworkInfo {
  user: string;
  name: string;
  id?: FrameworkID;
  /** Seconds the master keeps a disconnected framework's tasks; 0 when unset. */
  failover_timeout?: number;
  checkpoint?: boolean;
  /** Deprecated single role ("*" when unset); only for frameworks without MULTI_ROLE. */
  role?: string;
  /** Only for MULTI_ROLE frameworks. */
  roles?: string[];
  hostname?: string;
  principal?: string;
  webui_url?: string;
  /** An unknown capability name decodes to an entry without `type` (proto2 drops it). */
  capabilities?: { type?: FrameworkCapability }[];
  labels?: Labels;
  offer_filters?: Record<string, Record<string, unknown>>;
}

export const master_capabilities = ["UNKNOWN", "AGENT_UPDATE", "AGENT_DRAINING", "QUOTA_V2"] as const;
export interface MasterInfo {
  id: string;
  /** IPv4 address packed in network byte order, as Mesos writes it. */
  ip: number;
  port: number;
  pid?: string;
  hostname?: string;
  version?: string;
  address?: Address;
  domain?: DomainInfo;
  capabilities?: { type?: (typeof master_capabilities)[number] }[];
}

export const operation_types = [
  "UNKNOWN", "LAUNCH", "LAUNCH_GROUP", "RESERVE", "UNRESERVE", "CREATE", "DESTROY",
  "GROW_VOLUME", "SHRINK_VOLUME", "CREATE_DISK", "DESTROY_DISK",
] as const;
export type OperationType = (typeof operation_types)[number];

/** Offer.Operation; orch carries out LAUNCH only, so the others are kept unread. */
export interface OfferOperation {
  type?: OperationType;
  id?: OperationID;
  launch?: { task_infos?: TaskInfo[] };
  launch_group?: { executor: ExecutorInfo; task_group: TaskGroupInfo };
  reserve?: Record<string, unknown>;
  unreserve?: Record<string, unknown>;
  create?: Record<string, unknown>;
  destroy?: Record<string, unknown>;
  grow_volume?: Record<string, unknown>;
  shrink_volume?: Record<string, unknown>;
  create_disk?: Record<string, unknown>;
  destroy_disk?: Record<string, unknown>;
}

export interface Offer {
  id: OfferID;
  framework_id: FrameworkID;
  agent_id: AgentID;
  hostname: string;
  url?: URL;
  domain?: DomainInfo;
  resources?: Resource[];
  attributes?: Attribute[];
  executor_ids?: ExecutorID[];
  unavailability?: Record<string, unknown>;
  /** Only for MULTI_ROLE frameworks: the role the offer is allocated to. */
  allocation_info?: AllocationInfo;
}

export interface InverseOffer {
  id: OfferID;
  url?: URL;
  framework_id: FrameworkID;
  agent_id?: AgentID;
  unavailability: Record<string, unknown>;
  resources?: Resource[];
}

/** 5 seconds when `refuse_seconds` is unset (see refuseSeconds). */
export interface Filters { refuse_seconds?: number }
