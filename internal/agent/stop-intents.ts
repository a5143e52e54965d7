// Stop intents kept in the agent's store, so a task the agent stopped is still KILLED after the agent restarts.
import { stop_intents_max, type StopIntents } from "../driver/stop-intents.js";
import type { AgentStore } from "../../storage/agent-store.js";

export class StoreStopIntents implements StopIntents {
  constructor(private readonly store: AgentStore) {}

  has(task_id: string): boolean {
    return this.store.hasStopIntent(task_id);
  }

  async add(task_id: string): Promise<void> {
    if (!this.store.hasStopIntent(task_id) && this.store.stopIntentCount() >= stop_intents_max) {
      throw new Error(`${stop_intents_max} stop intents remembered (stop_intents_max); remove() finished tasks so their intents are dropped`);
    }
    await this.store.addStopIntent(task_id);
  }

  async delete(task_id: string): Promise<void> {
    await this.store.deleteStopIntent(task_id);
  }
}
