// The operator builders' input from this server: its replicated state and the leader as MasterInfo.
import { offered_ports_default } from "../leader/offer-fit.js";
import { operatorInputOf, type OperatorInput } from "../../mesos/operator-input.js";
import { version } from "../../version.js";
import { masterInfo } from "./mesos-events.js";
import type { ServerView } from "./view.js";

export function operatorInput(s: ServerView, start_ms: number): OperatorInput {
  const leader = s.leaderMember();
  return operatorInputOf(
    s.fsm,
    {
      leader: leader === null || leader.http_addr === "" ? null : masterInfo(s.cluster_id, leader.http_addr),
      self_addr: s.status().self.http_addr,
      cluster_id: s.cluster_id,
      orch_version: version,
      start_ms,
    },
    [offered_ports_default],
  );
}
