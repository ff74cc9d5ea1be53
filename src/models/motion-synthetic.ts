/**
 * Synthetic face-video sequences for tests and development (no data files needed): a face made
 * from the canonical mesh with a seeded identity, moving between EMFACS prototypes with
 * asymmetric, per-unit-lagged transitions, blinking on a seeded schedule, with detector-like
 * noise. Every number is a function of the seed.
 */
import { EMOTIONS } from '../core/emotions.ts';
import { ACTION_UNITS, AU_COUNT, codeFromEmotions, type ExpressionRig } from '../core/rig.ts';
import { createRng, gaussian } from '../core/rng.ts';
import { canonicalFace, LANDMARK_COUNT } from '../core/topology.ts';
import { BlinkSchedule } from '../motion/blink.ts';
import type { ClipSource } from './motion-data.ts';

export interface SyntheticOptions {
  seconds?: number;
  fps?: number;
  blinksPerMinute?: number;
  /** Per-coordinate noise, cm (default 0.004). */
  noise?: number;
  /** Seconds of an onset (default 0.4); releases take 1.5 times as long. */
  onset?: number;
}

export interface SyntheticClip extends ClipSource {
  truth: { codes: Float32Array; blink: Float32Array; blinkStarts: number[] };
}

/** Unit lags after an event, seconds: the mouth leads a smile, the eyes follow. */
const LAG: Partial<Record<(typeof ACTION_UNITS)[number], number>> = { AU6: 0.1, AU7: 0.06, AU26: 0.05, AU15: 0.04 };

/** Asymmetric minimum-jerk progress: peak velocity at about 40% of the way. */
export function syntheticProgress(u: number): number {
  const x = Math.min(Math.max(u, 0), 1) ** 0.8;
  return x * x * x * (10 - 15 * x + 6 * x * x);
}

export function syntheticClip(seed: number, rig: ExpressionRig, o: SyntheticOptions = {}): SyntheticClip {
  const rng = createRng(seed);
  const seconds = o.seconds ?? 20, fps = o.fps ?? 30, noise = o.noise ?? 0.004, onset = o.onset ?? 0.4;
  const n = Math.round(seconds * fps);
  // Identity: the canonical face stretched a little.
  const neutral = canonicalFace();
  const sx = 1 + (rng() - 0.5) * 0.08, sy = 1 + (rng() - 0.5) * 0.08, sz = 1 + (rng() - 0.5) * 0.08;
  for (let i = 0; i < LANDMARK_COUNT; i++) { neutral[i * 3] = neutral[i * 3]! * sx; neutral[i * 3 + 1] = neutral[i * 3 + 1]! * sy; neutral[i * 3 + 2] = neutral[i * 3 + 2]! * sz; }
  // Events: alternate between an emotion and neutral.
  interface Seg { t: number; from: Float64Array; to: Float64Array; dur: number }
  const segs: Seg[][] = Array.from({ length: AU_COUNT }, () => []);
  const valueAt = (a: number, t: number): number => {
    const list = segs[a]!;
    for (let k = list.length - 1; k >= 0; k--) {
      const s = list[k]!;
      if (s.t <= t) return s.from[a]! + (s.to[a]! - s.from[a]!) * syntheticProgress((t - s.t) / s.dur);
    }
    return 0;
  };
  const emotions = EMOTIONS.filter((e) => e !== 'neutral');
  let t = 0.5 + rng();
  let expressive = false;
  while (t < seconds) {
    const to = expressive ? new Float64Array(AU_COUNT) : codeFromEmotions({ [emotions[Math.floor(rng() * emotions.length)]!]: 1 }, 0.5 + 0.5 * rng());
    const dur = (expressive ? 1.5 : 1) * onset * (0.8 + 0.4 * rng());
    for (let a = 0; a < AU_COUNT; a++) {
      const ta = t + (LAG[ACTION_UNITS[a]!] ?? 0);
      const from = new Float64Array(AU_COUNT);
      from[a] = valueAt(a, ta);
      segs[a]!.push({ t: ta, from, to, dur });
    }
    expressive = !expressive;
    t += 1.2 + 1.5 * rng();
  }
  const blinks = new BlinkSchedule(seed ^ 0x5bd1e995, { perMinute: o.blinksPerMinute ?? 15 });
  const time = new Float64Array(n), valid = new Uint8Array(n).fill(1), mesh = new Float32Array(n * LANDMARK_COUNT * 3);
  const codes = new Float32Array(n * AU_COUNT), blink = new Float32Array(n);
  const code = new Float64Array(AU_COUNT);
  const m = new Float64Array(LANDMARK_COUNT * 3);
  for (let f = 0; f < n; f++) {
    const tf = f / fps;
    time[f] = tf;
    for (let a = 0; a < AU_COUNT; a++) code[a] = valueAt(a, tf);
    codes.set(code, f * AU_COUNT);
    const b = blinks.amount(tf);
    blink[f] = b;
    rig.apply(neutral, code, b, b, m);
    for (let k = 0; k < m.length; k++) mesh[f * m.length + k] = m[k]! + noise * gaussian(rng);
  }
  return {
    info: { source: `synthetic-${seed}.mp4`, identity: `synthetic-${seed}`, fps }, time, valid, mesh,
    pose: new Float32Array(n * 3),
    truth: { codes, blink, blinkStarts: blinks.between(0, seconds).map((x) => x.start) },
  };
}
