/**
 * Idle life: head sway, breathing and gaze shifts, as pure functions of (seed, time).
 * The amount scales everything from 0 (still) to 1 (lively); at the default, 0.5, the head sways
 * as the faces in the videos do at rest (HEAD_REST below), at 1 twice as much.
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

/** The idle amount at which the head sways as measured (the CLI's and the page's default). */
export const MEASURED_IDLE_AMOUNT = 0.5;

/**
 * Head motion at rest measured in the face videos: sine amplitudes in degrees at each band's
 * frequency (Hz), fitted with the pose detector's frame-to-frame noise to the robust structure
 * function of yaw, pitch and roll over the rest stretches of all 12 clips (8 stretches, 6.6 s:
 * no face movement, no blink; fitRestHead in src/models/motion-eval.ts). Reproduce with
 *
 *   node bin/emotebot.js eval motion --data datasets/face-videos.ebseq --head
 *
 * which printed: yaw [0, 0, 0.8073, 0.4701, 0.1976], pitch [0.4348, 0, 0, 0.3129, 0.2342],
 * roll [0, 0, 0.4152, 0.3047, 0] deg at 0.15, 0.3, 0.6, 1.2, 2.4 Hz (detector noise 0, 0.235,
 * 0.160 deg, left out). Few seconds of real rest: the figures are rough, and the bands under
 * 0.5 Hz are barely told apart by stretches this short.
 */
export const HEAD_REST: { readonly bands: readonly number[]; readonly yaw: readonly number[]; readonly pitch: readonly number[]; readonly roll: readonly number[] } = {
  bands: [0.15, 0.3, 0.6, 1.2, 2.4],
  yaw: [0, 0, 0.8073, 0.4701, 0.1976],
  pitch: [0.4348, 0, 0, 0.3129, 0.2342],
  roll: [0, 0, 0.4152, 0.3047, 0],
};

export class IdleMotion {
  private readonly yaw: Wave[];
  private readonly pitch: Wave[];
  private readonly roll: Wave[];
  private readonly breath: Wave;
  private readonly gazeSeed: number;

  constructor(seed: number, private readonly amountValue = 0.5) {
    const rng = createRng(seed);
    // One sine per band, its frequency drawn within ±15% of the band's and its phase at random.
    const waves = (degrees: readonly number[]): Wave[] => HEAD_REST.bands.map((f, k) => ({
      f: f * (0.85 + 0.3 * rng()), phase: rng() * Math.PI * 2, amp: ((degrees[k] ?? 0) * Math.PI) / 180 / MEASURED_IDLE_AMOUNT,
    }));
    this.yaw = waves(HEAD_REST.yaw);
    this.pitch = waves(HEAD_REST.pitch);
    this.roll = waves(HEAD_REST.roll);
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
