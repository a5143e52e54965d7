// The simulated network: seeded drops, duplicates, delays (hence reordering) and partitions.
import type { Prng } from "./prng.js";

/** Messages in flight at once; past it the network drops, like a full socket buffer. */
export const network_inflight_max = 20_000;

export interface NetworkFaults {
  /** Chance that a message is lost. */
  readonly dropRate: number;
  /** Chance that a message is delivered twice (each copy with its own delay). */
  readonly duplicateRate: number;
  /** Normal one-way delay range, in ticks; different delays reorder messages. */
  readonly minDelayTicks: number;
  readonly maxDelayTicks: number;
  /** Chance of a much longer delay: a stale message arriving long after the fact. */
  readonly longDelayRate: number;
  readonly longDelayTicks: number;
  /** Share of directed links that are persistently slow (a lagging follower, a far client). */
  readonly slowLinkShare: number;
  /** Extra delay on a slow link, added to every message on it. */
  readonly slowLinkExtraTicks: number;
}

export interface Envelope<T> {
  readonly from: number;
  readonly to: number;
  readonly deliverTick: number;
  /** Send order; breaks ties between messages due at the same tick. */
  readonly sendSeq: number;
  readonly payload: T;
}

export class Network<T> {
  private inflight: Envelope<T>[] = [];
  /** Links that drop everything: "from>to". A symmetric partition blocks both ways. */
  private readonly blocked = new Set<string>();
  private sendSeq = 0;
  /** Extra delay per directed link "from>to", drawn once when the link is first used. */
  private readonly linkExtraTicks = new Map<string, number>();
  sentCount = 0;
  droppedCount = 0;

  constructor(
    private readonly prng: Prng,
    public faults: NetworkFaults,
  ) {}

  /** Queues a message; false if it was lost at once (the caller may report it). */
  send(from: number, to: number, payload: T, nowTick: number): boolean {
    this.sentCount += 1;
    if (this.prng.chance(this.faults.dropRate) || this.isBlocked(from, to)) {
      this.droppedCount += 1;
      return false;
    }
    const copies = this.prng.chance(this.faults.duplicateRate) ? 2 : 1;
    for (let copy = 0; copy < copies; copy += 1) {
      if (this.inflight.length >= network_inflight_max) {
        this.droppedCount += 1;
        return copy > 0;
      }
      const deliverTick = nowTick + this.delayTicks() + this.linkExtra(from, to);
      this.inflight.push({ from, to, deliverTick, sendSeq: this.sendSeq, payload });
      this.sendSeq += 1;
    }
    return true;
  }

  /**
   * Takes the messages due by `nowTick`, in delivery order. A message whose link was cut
   * while it was in flight is lost, as a partition would lose it.
   */
  takeDue(nowTick: number): { delivered: Envelope<T>[]; lost: Envelope<T>[] } {
    const due: Envelope<T>[] = [];
    const later: Envelope<T>[] = [];
    for (const envelope of this.inflight) (envelope.deliverTick <= nowTick ? due : later).push(envelope);
    this.inflight = later;
    due.sort((a, b) => a.deliverTick - b.deliverTick || a.sendSeq - b.sendSeq);
    const delivered: Envelope<T>[] = [];
    const lost: Envelope<T>[] = [];
    for (const envelope of due) (this.isBlocked(envelope.from, envelope.to) ? lost : delivered).push(envelope);
    this.droppedCount += lost.length;
    return { delivered, lost };
  }

  inflightCount(): number {
    return this.inflight.length;
  }

  isBlocked(from: number, to: number): boolean {
    return this.blocked.has(`${from}>${to}`);
  }

  /** Cuts one direction only: `from` can no longer reach `to`. */
  blockOneWay(from: number, to: number): void {
    this.blocked.add(`${from}>${to}`);
  }

  /** Splits the members into two sides that cannot talk across. */
  partition(sideA: readonly number[], sideB: readonly number[]): void {
    for (const a of sideA) {
      for (const b of sideB) {
        this.blocked.add(`${a}>${b}`);
        this.blocked.add(`${b}>${a}`);
      }
    }
  }

  healAll(): void {
    this.blocked.clear();
  }

  /** Forgets every slow link: after healing, each link is a normal one again. */
  clearSlowLinks(): void {
    this.linkExtraTicks.clear();
  }

  hasPartitions(): boolean {
    return this.blocked.size > 0;
  }

  private linkExtra(from: number, to: number): number {
    const link = `${from}>${to}`;
    let extra = this.linkExtraTicks.get(link);
    if (extra === undefined) {
      extra = this.prng.chance(this.faults.slowLinkShare) ? this.prng.range(1, this.faults.slowLinkExtraTicks) : 0;
      this.linkExtraTicks.set(link, extra);
    }
    return extra;
  }

  private delayTicks(): number {
    if (this.prng.chance(this.faults.longDelayRate)) return this.prng.range(1, this.faults.longDelayTicks);
    return this.prng.range(this.faults.minDelayTicks, this.faults.maxDelayTicks);
  }
}
