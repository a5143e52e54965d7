// Public surface of the linearizability checker (no test-framework imports: the chaos suite reuses it).
export type { History, KvInput, KvOutput, Operation } from "./history.js";
export { describeOperation } from "./history.js";
export type { CheckOptions, CheckResult, Violation } from "./check.js";
export { checkHistory, formatCheckResult, max_search_steps_default } from "./check.js";
