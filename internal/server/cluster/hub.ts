// Wakes assignment streams when a committed command touched their node.
import type { StateMachine } from "../../fsm/state.js";

/** Bound on streams waiting at once (one per agent connection, plus reconnect overlap). */
export const assignment_waiters_max = 20_000;

type Wake = () => void;

export class AssignmentHub {
  private readonly waiting = new Map<string, Set<Wake>>();
  private count = 0;

  constructor(fsm: StateMachine) {
    fsm.onChange((touched) => {
      for (const id of touched) this.wake(id);
    });
  }

  /** Resolves true on a change for the node, false after `timeout_ms` or when `signal` aborts. */
  wait(node_id: string, timeout_ms: number, signal: AbortSignal): Promise<boolean> {
    if (this.count >= assignment_waiters_max) {
      return Promise.reject(new Error(`${assignment_waiters_max} assignment streams are open (assignment_waiters_max): retry later`));
    }
    return new Promise<boolean>((resolve) => {
      let set = this.waiting.get(node_id);
      if (set === undefined) this.waiting.set(node_id, (set = new Set()));
      const done = (changed: boolean): void => {
        clearTimeout(timer);
        signal.removeEventListener("abort", aborted);
        if (set.delete(wake)) this.count -= 1;
        if (set.size === 0 && this.waiting.get(node_id) === set) this.waiting.delete(node_id);
        resolve(changed);
      };
      const wake: Wake = () => done(true);
      const aborted = (): void => done(false);
      const timer = setTimeout(() => done(false), timeout_ms);
      signal.addEventListener("abort", aborted, { once: true });
      set.add(wake);
      this.count += 1;
      if (signal.aborted) done(false);
    });
  }

  /** Wakes every stream (the server is stopping: each sees that and ends). */
  wakeAll(): void {
    for (const id of [...this.waiting.keys()]) this.wake(id);
  }

  private wake(node_id: string): void {
    const set = this.waiting.get(node_id);
    if (set === undefined) return;
    for (const w of [...set]) w();
  }
}
