/**
 * Frames per second from the frame timestamps themselves (no clock of its own): the number of
 * frames in the last second, over the span they cover.
 */
export class FpsMeter {
  private readonly stamps: number[] = [];

  /** Feed each frame's timestamp in milliseconds; returns the current rate. */
  frame(stampMs: number): number {
    this.stamps.push(stampMs);
    while (this.stamps.length > 2 && stampMs - this.stamps[0]! > 1000) this.stamps.shift();
    return this.rate;
  }

  get rate(): number {
    const n = this.stamps.length;
    if (n < 2) return 0;
    const span = this.stamps[n - 1]! - this.stamps[0]!;
    return span > 0 ? ((n - 1) * 1000) / span : 0;
  }
}
