// Records what clients saw — call, answer or no answer — as a history for the checker.
import type { KvInput, KvOutput, Operation } from "../lincheck/history.js";

/** Bound on recorded ops per run; a run past it is misconfigured. */
export const history_ops_max = 200_000;

interface OpenOp {
  readonly clientId: number;
  readonly callTime: number;
  readonly input: KvInput;
}

export class HistoryRecorder {
  private readonly open = new Map<number, OpenOp>();
  private readonly closed: Operation[] = [];
  private nextId = 0;

  /** Notes that a client called an op; returns the op's id. */
  call(clientId: number, input: KvInput, time: number): number {
    if (this.nextId >= history_ops_max) throw new Error(`sim: more than history_ops_max=${history_ops_max} ops`);
    const id = this.nextId;
    this.nextId += 1;
    this.open.set(id, { clientId, callTime: time, input });
    return id;
  }

  /** The client got an answer. */
  complete(id: number, output: KvOutput, time: number): void {
    const op = this.take(id);
    this.closed.push({ id, clientId: op.clientId, callTime: op.callTime, returnTime: time, input: op.input, output });
  }

  /**
   * The client stopped waiting: the op may or may not have happened. A read that never
   * answered changed nothing and told nobody anything, so it leaves the history (each one
   * would only widen the checker's search).
   */
  abandon(id: number): void {
    const op = this.take(id);
    if (op.input.kind === "get") return;
    this.closed.push({ id, clientId: op.clientId, callTime: op.callTime, returnTime: null, input: op.input, output: null });
  }

  /** Every op so far; ops still open count as indeterminate. */
  history(): Operation[] {
    const stillOpen: Operation[] = [...this.open.entries()].map(([id, op]) => ({
      id,
      clientId: op.clientId,
      callTime: op.callTime,
      returnTime: null,
      input: op.input,
      output: null,
    }));
    return [...this.closed, ...stillOpen].sort((a, b) => a.id - b.id);
  }

  private take(id: number): OpenOp {
    const op = this.open.get(id);
    if (op === undefined) throw new Error(`sim: op #${id} is not open (answered twice?)`);
    this.open.delete(id);
    return op;
  }
}
