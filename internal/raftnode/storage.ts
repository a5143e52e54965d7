// What the node driver needs of its disk: the Raft core's reads plus three writes. LevelStorage
// is the production one; the simulator's disk (test/sim/sim_disk.ts) models fsync and crashes.
import type { ConfState, Snapshot, Storage, StorageWrite } from "../../raft/index.js";

export interface NodeStorage extends Storage {
  /**
   * Makes one Ready's write atomic and, when `sync`, durable before the promise resolves. A
   * crash before it resolves may keep the write or lose it whole, never keep part of it.
   */
  save(w: StorageWrite, sync: boolean): Promise<void>;
  /** Records the state machine at applied index i, at most lastIndex(); ErrSnapOutOfDate if not newer than the held one. */
  createSnapshot(i: number, confState: ConfState, data: Uint8Array): Promise<Snapshot>;
  /** Drops entries up to compactIndex, which the snapshot must cover. Need not be synced. */
  compact(compactIndex: number): Promise<void>;
}
