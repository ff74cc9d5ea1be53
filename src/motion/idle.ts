/**
 * Idle life: slow head sway, breathing and gaze shifts, as pure functions of (seed, time).
 * The amount scales everything from 0 (still) to 1 (lively).
 */
import { createRng } from '../core/rng.ts';

export interface IdlePose {
  /** Radians: yaw positive turns the face towards image right, pitch positive looks up, roll clockwise in the image. */
  yaw: number;
  pitch: number;
  roll: number;
  /** Vertical shift as a fraction of face height (breathing), positive up. */
  lift: number;
  /** Gaze, -1..1. */
  gazeX: number;
  gazeY: number;
}

interface Wave { f: number; phase: number; amp: number }

export class IdleMotion {
  private readonly yaw: Wave[];
  private readonly pitch: Wave[];
  private readonly roll: Wave[];
  private readonly breath: Wave;
  private readonly gazeSeed: number;

  constructor(seed: number, private readonly amountValue = 0.5) {
    const rng = createRng(seed);
    const waves = (amp: number): Wave[] => [0.07, 0.13, 0.23].map((base, k) => ({
      f: base * (0.8 + 0.4 * rng()), phase: rng() * Math.PI * 2, amp: amp / (k + 1.5),
    }));
    this.yaw = waves(0.05);
    this.pitch = waves(0.03);
    this.roll = waves(0.025);
    this.breath = { f: 0.22 + 0.06 * rng(), phase: rng() * Math.PI * 2, amp: 0.004 };
    this.gazeSeed = Math.floor(rng() * 2 ** 31);
  }

  get amount(): number {
    return this.amountValue;
  }

  pose(t: number): IdlePose {
    const a = Math.min(Math.max(this.amountValue, 0), 1);
    if (!Number.isFinite(t) || a === 0) return { yaw: 0, pitch: 0, roll: 0, lift: 0, gazeX: 0, gazeY: 0 };
    const sum = (ws: Wave[]) => ws.reduce((s, w) => s + w.amp * Math.sin(2 * Math.PI * w.f * t + w.phase), 0);
    const [gx, gy] = this.gaze(t);
    return {
      yaw: a * sum(this.yaw), pitch: a * sum(this.pitch), roll: a * sum(this.roll),
      lift: a * this.breath.amp * Math.sin(2 * Math.PI * this.breath.f * t + this.breath.phase),
      gazeX: a * gx, gazeY: a * gy,
    };
  }

  /** Gaze holds a point for 0.8-3 s, then moves there in about 60 ms (a saccade). */
  private gaze(t: number): [number, number] {
    // Fixations on a grid of 2-second cells, each with its own seeded start and target.
    const cell = Math.floor(t / 2);
    const at = (c: number): [number, number, number] => {
      const r = createRng(this.gazeSeed ^ Math.imul(c + 1, 0x9e3779b1));
      const start = c * 2 + r() * 1.2;
      const look = r() < 0.55; // half the fixations return to the camera
      return [start, look ? 0 : (r() * 2 - 1) * 0.6, look ? 0 : (r() * 2 - 1) * 0.3];
    };
    let cur = at(cell);
    let prev = at(cell - 1);
    if (t < cur[0]) { cur = prev; prev = at(cell - 2); }
    const u = Math.min(Math.max((t - cur[0]) / 0.06, 0), 1);
    const s = u * u * (3 - 2 * u);
    return [prev[1] + (cur[1] - prev[1]) * s, prev[2] + (cur[2] - prev[2]) * s];
  }
}
