/**
 * Blinks at human rates: intervals with a mean of about 3.5 s (17 a minute at rest) and never
 * under 1 s, each blink 180-320 ms (fast close, short hold, slower opening). The schedule is a
 * pure function of the seed: blinkAmount(t) never reads a clock.
 */
import { createRng, type Rng } from '../core/rng.ts';

export interface Blink { start: number; close: number; hold: number; open: number }

export interface BlinkOptions {
  /** Blinks per minute on average. Default 17. */
  perMinute?: number;
  /** Time of the first possible blink, seconds. Default 0.6. */
  from?: number;
}

/** Mean blink length: 0.18 + 0.14 / 2 seconds. */
const MEAN_BLINK_SECONDS = 0.25;

export class BlinkSchedule {
  private readonly rng: Rng;
  private readonly blinks: Blink[] = [];
  private readonly meanInterval: number;
  private next: number;

  constructor(seed: number, options: BlinkOptions = {}) {
    this.rng = createRng(seed);
    const perMinute = options.perMinute ?? 17;
    this.meanInterval = perMinute > 0 ? 60 / perMinute : Infinity;
    // No rate, no blinks: the first one never comes.
    this.next = perMinute > 0 ? (options.from ?? 0.6) + this.rng() * Math.min(this.meanInterval, 3) : Infinity;
  }

  private extendTo(t: number): void {
    while (this.next <= t + 1 && Number.isFinite(this.next)) {
      const total = 0.18 + this.rng() * 0.14;
      const b: Blink = { start: this.next, close: total * 0.3, hold: total * 0.12, open: total * 0.58 };
      this.blinks.push(b);
      // Blink (0.25 s on average) + 1 s refractory gap + an exponential tail: the mean start-to-start
      // interval is meanInterval, so the rate is perMinute.
      const tail = Math.max(this.meanInterval - 1 - MEAN_BLINK_SECONDS, 0.05);
      this.next += total + 1 + -Math.log(Math.max(this.rng(), 1e-9)) * tail;
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
    for (let i = this.blinks.length - 1; i >= 0; i--) {
      const b = this.blinks[i]!;
      if (b.start > t) continue;
      const dt = t - b.start;
      if (dt < b.close) { const u = dt / b.close; return u * u; }
      if (dt < b.close + b.hold) return 1;
      const r = (dt - b.close - b.hold) / b.open;
      if (r < 1) { const u = 1 - r; return u * u * (3 - 2 * u); }
      return 0;
    }
    return 0;
  }
}
