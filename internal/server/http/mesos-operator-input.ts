// The operator builders' input from this server's replicated state: tables as they are, the
// built-in frameworks with the roles their services run under, and the leader as MasterInfo.
import { offered_ports_default } from "../leader/offer-fit.js";
import { builtinFramework, type OperatorFramework, type OperatorInput } from "../../mesos/operator-input.js";
import type { ServiceRecord } from "../../fsm/services.js";
import { version } from "../../version.js";
import { masterInfo } from "./mesos-events.js";
import type { ServerView } from "./view.js";

export function operatorInput(s: ServerView, start_ms: number): OperatorInput {
  const fsm = s.fsm;
  const services = new Map<string, ServiceRecord>();
  const roles = { service: new Set<string>(), job: new Set<string>() };
  for (const svc of fsm.services.all()) {
    services.set(svc.spec.name, svc);
    roles[svc.spec.kind].add(svc.spec.role);
  }
  const leader = s.leaderMember();
  const frameworks: OperatorFramework[] = [builtinFramework("service", [...roles.service].sort()), builtinFramework("job", [...roles.job].sort()), ...fsm.frameworks.all()];
  const self = s.status().self.http_addr;
  return {
    master: {
      leader: leader === null || leader.http_addr === "" ? null : masterInfo(s.cluster_id, leader.http_addr),
      self_addr: self,
      cluster_id: s.cluster_id,
      orch_version: version,
      start_ms,
    },
    nodes: fsm.nodes.all(),
    tasks: [...fsm.tasks.all()],
    frameworks,
    completed_frameworks: fsm.frameworks.completed(),
    services,
    roles: fsm.roles.all(),
    agent_ports: [offered_ports_default],
  };
}
