// Defaults shared by every orch process: ports and folders a user can override by flag.

/** HTTP API port of a server (clients, agents and `orch` CLI talk to it). */
export const http_port_default = 4640;
/** Server-to-server Raft transport port. */
export const raft_port_default = 4641;
/** Address servers listen on unless --bind says otherwise. */
export const bind_address_default = "0.0.0.0";
/** Data folder when --data-dir and ORCH_DATA_DIR are unset: local, as `orch dev` wants. */
export const data_dir_default = "./orch-data";
