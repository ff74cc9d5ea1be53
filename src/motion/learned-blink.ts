/**
 * Blinks drawn from measured statistics (the face videos, see src/models/motion-data.ts): a rate,
 * a refractory gap, a log-normal duration and the share of each blink spent closing, closed and
 * opening. Intervals are the refractory gap plus an exponential tail whose mean keeps the rate.
 * A pure function of the seed: amount(t) never reads a clock and does not depend on the order
 * times are asked in.
 */
import { createRng, gaussian, type Rng } from '../core/rng.ts';
import type { Blink } from './blink.ts';

export interface BlinkStats {
  /** Blinks per minute. */
  perMinute: number;
  /** Shortest gap from the end of one blink to the start of the next, seconds. */
  refractory: number;
  /** Median blink duration (lid leaves open to lid back open), seconds. */
  durationMedian: number;
  /** Standard deviation of log(duration). */
  durationLogSd: number;
  /** Durations are kept inside [durationMin, durationMax]. */
  durationMin: number;
  durationMax: number;
  /** Share of a blink spent closing and fully closed; the rest is opening. */
  closeFraction: number;
  holdFraction: number;
}

/**
 * Share of a blink's whole duration during which its closure is above `level` (0..1) of full
 * closure, for this schedule's lid shape (smoothstep closing and opening around the hold): what a
 * detector that thresholds closure at that level measures.
 */
export function measuredShare(holdFraction: number, level = 0.2): number {
  // Solve u²(3 - 2u) = level on [0, 1] by bisection.
  let lo = 0, hi = 1;
  for (let i = 0; i < 50; i++) { const m = (lo + hi) / 2; if (m * m * (3 - 2 * m) < level) lo = m; else hi = m; }
  return 1 - lo * (1 - holdFraction);
}

/** The literature's figures (about 17 a minute at rest, 100-400 ms), used when no measurement exists. */
export const LITERATURE_BLINKS: BlinkStats = {
  perMinute: 17, refractory: 1, durationMedian: 0.25, durationLogSd: 0.2, durationMin: 0.12, durationMax: 0.4,
  closeFraction: 0.3, holdFraction: 0.12,
};

export class MeasuredBlinkSchedule {
  private readonly rng: Rng;
  private readonly blinks: Blink[] = [];
  private readonly tailMean: number;
  private next: number;

  /** `perMinute` overrides the measured rate (0: no blinks); the measured shape is kept. */
  constructor(seed: number, private readonly stats: BlinkStats, perMinute: number = stats.perMinute) {
    this.rng = createRng(seed);
    const mean = perMinute > 0 ? 60 / perMinute : Infinity;
    const typical = stats.durationMedian;
    this.tailMean = Math.max(mean - typical - stats.refractory, 0.05);
    this.next = perMinute > 0 ? 0.6 + this.rng() * Math.min(mean, 3) : Infinity;
  }

  private extendTo(t: number): void {
    const s = this.stats;
    while (this.next <= t + 1 && Number.isFinite(this.next)) {
      const total = Math.min(Math.max(s.durationMedian * Math.exp(s.durationLogSd * gaussian(this.rng)), s.durationMin), s.durationMax);
      this.blinks.push({ start: this.next, close: total * s.closeFraction, hold: total * s.holdFraction, open: total * (1 - s.closeFraction - s.holdFraction) });
      this.next += total + s.refractory + -Math.log(Math.max(this.rng(), 1e-9)) * this.tailMean;
    }
  }

  /** Blinks that start in [t0, t1). */
  between(t0: number, t1: number): Blink[] {
    this.extendTo(t1);
    return this.blinks.filter((b) => b.start >= t0 && b.start < t1);
  }

  /** Eyelid closure at time t: 0 open, 1 closed. */
  amount(t: number): number {
    if (!Number.isFinite(t)) return 0;
    this.extendTo(t);
    // Binary search for the last blink starting at or before t.
    let lo = 0, hi = this.blinks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.blinks[mid]!.start <= t) lo = mid + 1; else hi = mid;
    }
    const b = this.blinks[lo - 1];
    if (!b) return 0;
    const dt = t - b.start;
    if (dt < b.close) { const u = dt / b.close; return u * u * (3 - 2 * u); }
    if (dt < b.close + b.hold) return 1;
    const r = (dt - b.close - b.hold) / b.open;
    if (r < 1) { const u = 1 - r; return u * u * (3 - 2 * u); }
    return 0;
  }

  /** Drops blinks that ended before t. */
  prune(t: number): void {
    let i = 0;
    while (i < this.blinks.length - 1) {
      const b = this.blinks[i]!;
      if (b.start + b.close + b.hold + b.open >= t) break;
      i++;
    }
    if (i > 0) this.blinks.splice(0, i);
  }
}
