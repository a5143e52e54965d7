// Virtual time for one run: timed events in a heap, a Clock per server process that a crash
// silences, and the promise jobs each instant started run to the end before time moves on.
import type { Clock, TimerHandle } from "../../internal/raftnode/clock.js";

/** One process's life: its timers and callbacks stop when it crashes. */
export class Owner {
  alive = true;
  /** Interval callbacks, so a skewed clock can fire them early. */
  readonly intervals = new Set<Interval>();
}

interface SimEvent {
  readonly at_ms: number;
  readonly seq: number;
  readonly fn: () => void;
  readonly owner: Owner | null;
  cancelled: boolean;
}

interface Interval {
  readonly fn: () => void;
  event: SimEvent | null;
}

/** Virtual wall time at the run's start: at_ms stamps look like real ones. */
const epoch_ms = 1_767_225_600_000;

/** Lets every queued promise job (and the jobs they queue) run: Node runs them all before an immediate. */
function drainPromiseJobs(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class Scheduler {
  now_ms = 0;
  /** Binary min-heap on (at_ms, seq): same-time events run in the order they were scheduled. */
  private readonly heap: SimEvent[] = [];
  private seq = 0;
  instants = 0;

  /** Runs fn at now + delay_ms (never in the past); skipped if its owner crashed meanwhile. */
  after(delay_ms: number, fn: () => void, owner: Owner | null = null): SimEvent {
    const event: SimEvent = { at_ms: this.now_ms + Math.max(0, delay_ms), seq: this.seq++, fn, owner, cancelled: false };
    this.push(event);
    return event;
  }

  cancel(event: SimEvent | null): void {
    if (event !== null) event.cancelled = true;
  }

  /**
   * Runs every event due at or before t_ms in order. After each instant the promise jobs its
   * events started (a RaftNode's Ready loop resuming after a disk write) run to completion, so
   * the next instant sees their effects; `afterInstant` may then throw to stop the run.
   */
  async runUntil(t_ms: number, afterInstant: () => void): Promise<void> {
    for (;;) {
      const head = this.heap[0];
      if (head === undefined || head.at_ms > t_ms) break;
      this.now_ms = head.at_ms;
      while (this.heap[0] !== undefined && this.heap[0].at_ms === this.now_ms) {
        const event = this.pop();
        if (!event.cancelled && (event.owner === null || event.owner.alive)) event.fn();
      }
      await drainPromiseJobs();
      this.instants += 1;
      afterInstant();
    }
    this.now_ms = Math.max(this.now_ms, t_ms);
  }

  /** The clock one process sees: virtual time, and timers that die with the owner. */
  clockFor(owner: Owner): Clock {
    return {
      now: () => epoch_ms + this.now_ms,
      setTimeout: (fn, ms) => this.after(ms, fn, owner),
      clearTimeout: (handle: TimerHandle) => this.cancel(handle as SimEvent),
      setInterval: (fn, ms) => {
        const interval: Interval = { fn, event: null };
        const fire = (): void => {
          interval.event = this.after(ms, fire, owner);
          fn();
        };
        interval.event = this.after(ms, fire, owner);
        owner.intervals.add(interval);
        return interval;
      },
      clearInterval: (handle: TimerHandle) => {
        const interval = handle as Interval;
        this.cancel(interval.event);
        interval.event = null;
        owner.intervals.delete(interval);
      },
    };
  }

  /** A clock running fast: fires the owner's interval callbacks `times` extra times, now. */
  skew(owner: Owner, times: number): void {
    for (let k = 0; k < times && owner.alive; k += 1) for (const interval of [...owner.intervals]) interval.fn();
  }

  private push(event: SimEvent): void {
    const heap = this.heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(event, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = event;
  }

  private pop(): SimEvent {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

function before(a: SimEvent, b: SimEvent): boolean {
  return a.at_ms < b.at_ms || (a.at_ms === b.at_ms && a.seq < b.seq);
}
