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

/**
 * Decides each message's fate when it is sent; the simulator schedules its deliveries. Whether a
 * link is cut is asked again on arrival: a message in flight when a partition starts is lost.
 */
export class Network {
  /** Links that drop everything: "from>to". A symmetric partition blocks both ways. */
  private readonly blocked = new Set<string>();
  /** Extra delay per directed link "from>to", drawn once when the link is first used. */
  private readonly linkExtraTicks = new Map<string, number>();
  private inflight = 0;
  sentCount = 0;
  droppedCount = 0;

  constructor(
    private readonly prng: Prng,
    public faults: NetworkFaults,
  ) {}

  /**
   * The delays in ms after which copies of a message arrive: none if it is lost at once, two if
   * duplicated (only when `duplicable`). Only `lossy` traffic is dropped at random.
   */
  route(from: number, to: number, kind: { readonly duplicable: boolean; readonly lossy: boolean }, tick_ms: number): number[] {
    this.sentCount += 1;
    if ((kind.lossy && this.prng.chance(this.faults.dropRate)) || this.isBlocked(from, to)) {
      this.droppedCount += 1;
      return [];
    }
    const copies = kind.duplicable && this.prng.chance(this.faults.duplicateRate) ? 2 : 1;
    const delays: number[] = [];
    for (let copy = 0; copy < copies; copy += 1) {
      if (this.inflight >= network_inflight_max) {
        this.droppedCount += 1;
        break;
      }
      this.inflight += 1;
      // Arrivals land on the tick or half-way through it: enough to interleave with disk writes
      // and ticks, few enough instants to keep a run cheap.
      delays.push((this.delayTicks() + this.linkExtra(from, to)) * tick_ms + this.prng.int(2) * Math.floor(tick_ms / 2));
    }
    return delays;
  }

  /** A copy reached its destination's door; false if the link was cut meanwhile (it is lost). */
  arrive(from: number, to: number): boolean {
    this.inflight -= 1;
    if (!this.isBlocked(from, to)) return true;
    this.droppedCount += 1;
    return false;
  }

  inflightCount(): number {
    return this.inflight;
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
