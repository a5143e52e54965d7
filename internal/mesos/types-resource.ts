// Mesos v1 Resource (mesos.proto): SCALAR/RANGES/SET values, the deprecated role, allocation and reservations.
import type { Labels, ResourceProviderID, Ranges, Scalar, ValueSet, ValueType } from "./types-common.js";

export const reservation_types = ["UNKNOWN", "STATIC", "DYNAMIC"] as const;
export interface ReservationInfo {
  type?: (typeof reservation_types)[number];
  role?: string;
  principal?: string;
  labels?: Labels;
}

export interface AllocationInfo { role?: string }

export const disk_source_types = ["UNKNOWN", "PATH", "MOUNT", "BLOCK", "RAW"] as const;
/** Only what orch checks: any disk info means a volume or a disk source orch cannot provide. */
export interface DiskInfo {
  persistence?: { id: string; principal?: string };
  volume?: Record<string, unknown>;
  source?: { type: (typeof disk_source_types)[number] };
}

export interface Resource {
  provider_id?: ResourceProviderID;
  name: string;
  type: ValueType;
  scalar?: Scalar;
  ranges?: Ranges;
  set?: ValueSet;
  /** Deprecated; "*" when unset. MULTI_ROLE frameworks read `allocation_info.role` instead. */
  role?: string;
  allocation_info?: AllocationInfo;
  /** Pre-refinement form of a reservation; `reservations` is the current one. */
  reservation?: ReservationInfo;
  reservations?: ReservationInfo[];
  disk?: DiskInfo;
  revocable?: Record<string, unknown>;
  shared?: Record<string, unknown>;
}
