/**
 * One clock interface for every edge: requestAnimationFrame in the page, a fixed tick in the
 * CLI, a hand tick in tests. The playhead is total elapsed time derived from a frame count or
 * a timestamp, never accumulated deltas, so it does not drift.
 */
export interface Clock {
  /** Seconds since the clock started. */
  readonly time: number;
}

/** Fixed step: frame n is at n / fps exactly. */
export class FixedStepClock implements Clock {
  private frame = 0;
  constructor(readonly fps: number) {
    if (!(fps > 0) || !Number.isFinite(fps)) throw new Error(`fps must be a positive number, got ${fps}`);
  }
  get time(): number {
    return this.frame / this.fps;
  }
  get frameIndex(): number {
    return this.frame;
  }
  tick(): number {
    this.frame++;
    return this.time;
  }
}

/** Moved by hand (tests). */
export class ManualClock implements Clock {
  constructor(private t = 0) {}
  get time(): number {
    return this.t;
  }
  set(t: number): void {
    this.t = t;
  }
  advance(dt: number): number {
    this.t += dt;
    return this.t;
  }
}

/** Driven by timestamps from the host (requestAnimationFrame's ms): time = (stamp - first stamp) / 1000. */
export class TimestampClock implements Clock {
  private origin: number | null = null;
  private last = 0;
  /** Feed the host's timestamp in milliseconds; returns seconds since the first stamp. */
  update(stampMs: number): number {
    if (this.origin === null) this.origin = stampMs;
    this.last = Math.max(this.last, (stampMs - this.origin) / 1000);
    return this.last;
  }
  get time(): number {
    return this.last;
  }
}
