// The Mesos v1 scheduler API's protocol layer, as the server wires it: read calls, check them, translate tasks, write events.
//
// A request:  readCallRequest → (SUBSCRIBE: frameworkProblem, else checkStream) → act on the ValidCall.
// An ACCEPT:  planAccept → per task: translateTask; the framework host checks the offers and fits
//             the tasks to them (server/leader/offer-fit.ts), since only it knows what was offered.
// The stream: subscribedEvent, heartbeatEvent, offersEvent(buildOffer…), updateEvent(statusForFramework(taskStatus…)),
//             each as encodeRecord(encodeEvent(event)) in one write.
// The operator side: readOperatorCall → operatorInputOf(fsm…) → getState/getAgents/…/masterState, encoded with
//             encodeOperatorResponse; SUBSCRIBE: OperatorFeed.diff(input) → encodeRecord(encodeOperatorEvent(event)).
export { readCallRequest, type CallAccepted, type CallRefusal, type CallRequest } from "./call-request.js";
export { validateCall, uuidProblem, type ValidCall } from "./valid-call.js";
export { checkStream, type FrameworkStream, type StreamRefusal } from "./stream-check.js";
export { frameworkProblem, frameworkRoles, roleProblem } from "./framework-validate.js";
export { decodeCall } from "./call-decode.js";
export { decodeEvent } from "./event-decode.js";
export { DecodeError } from "./codec.js";
export { encodeEvent, encodeJson } from "./json-encode.js";
export { encodeRecord } from "./recordio.js";
export { RecordIODecoder, RecordIOError } from "./recordio-decoder.js";
export { planAccept, invalidOffersStatus, type AcceptPlan, type RefusedTask } from "./accept-plan.js";
export { buildOffer, buildMasterInfo, masterIp, type OfferInput } from "./offer-build.js";
export { translateTask, kill_grace_ms_default, task_ports_max, type MesosTaskPlan, type TaskRefusal, type TranslateContext, type Translation } from "./task-translate.js";
export {
  subscribedEvent, offersEvent, rescindEvent, updateEvent, failureEvent, errorEvent, heartbeatEvent, messageEvent,
  error_failed_over, error_removed,
} from "./events.js";
export { taskStatus, statusUuid, timestampSeconds, type StatusInput } from "./task-status.js";
export { statusForFramework, capabilitiesOf } from "./status-filter.js";
export { mesosStateOf, type MesosState } from "./status-map.js";
export { reconcileStatuses, type KnownTask, type ReconcileView } from "./reconcile.js";
export { refuseSeconds, killGraceMs, refuse_seconds_default, refuse_seconds_max } from "./filters.js";
export type { Call, CallType } from "./types-call.js";
export type { Event, EventType } from "./types-event.js";
export type { FrameworkInfo, FrameworkCapability, MasterInfo, Offer, OfferOperation, Filters } from "./types-framework.js";
export type { Resource } from "./types-resource.js";
export type { TaskInfo, CommandInfo, ContainerInfo } from "./types-task.js";
export type { TaskStatus, TaskState, StatusReason, StatusSource } from "./types-status.js";
export { readOperatorCall, type OperatorCallAccepted, type OperatorCallRefusal } from "./operator-call.js";
export { operatorInputOf, builtinFramework, mesos_version_compat, type OperatorInput, type OperatorFramework, type MasterIdentity } from "./operator-input.js";
export { getAgents, getFrameworks, getRoles, getState, getTasks, leaderInfo, versionInfo } from "./operator-build.js";
export { masterState } from "./master-state.js";
export { encodeOperatorEvent, encodeOperatorResponse } from "./operator-encode.js";
export { OperatorFeed } from "./operator-feed.js";
export type { OperatorEvent, OperatorResponse, OperatorCallType, ServedCallType } from "./types-operator.js";
