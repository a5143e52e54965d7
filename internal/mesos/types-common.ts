// Mesos v1 messages shared by calls and events (mesos/v1/mesos.proto): ids, values, labels, resources.
// Field names are the .proto names; enums are unions of their names; `bytes` are Uint8Array.

export interface FrameworkID { value: string }
export interface OfferID { value: string }
export interface AgentID { value: string }
export interface TaskID { value: string }
export interface ExecutorID { value: string }
export interface OperationID { value: string }
export interface ResourceProviderID { value: string }
export interface ContainerID { value: string; parent?: ContainerID }

export interface DurationInfo { nanoseconds: number }
export interface TimeInfo { nanoseconds: number }

export interface Label { key: string; value?: string }
export interface Labels { labels?: Label[] }
export interface Parameter { key: string; value: string }
export interface Parameters { parameter?: Parameter[] }

/** `port` is required; `hostname` or `ip` say where. */
export interface Address { hostname?: string; ip?: string; port: number }
export interface URL { scheme: string; address: Address; path?: string; query?: Parameter[]; fragment?: string }

export const value_types = ["SCALAR", "RANGES", "SET", "TEXT"] as const;
export type ValueType = (typeof value_types)[number];
export interface Scalar { value: number }
export interface Range { begin: number; end: number }
export interface Ranges { range?: Range[] }
export interface ValueSet { item?: string[] }
export interface Text { value: string }

export interface Attribute {
  name: string;
  type: ValueType;
  scalar?: Scalar;
  ranges?: Ranges;
  set?: ValueSet;
  text?: Text;
}

export interface DomainInfo { fault_domain?: { region: { name: string }; zone: { name: string } } }
