/**
 * The evaluation's figures as pure functions: numbers in, numbers out (no I/O, no models).
 * Classification tallies, identity-distance statistics, and the animation metrics read from
 * sampled signals (blink events, 10%-90% transition times, frame-to-frame motion at rest).
 */

/** Counts for one true class: how many were judged, how many had a face, how many were right. */
export interface Tally {
  n: number;
  detected: number;
  correct: number;
  /** Judge's top label (or "none" when no face) -> count. */
  confusion: Record<string, number>;
}

export function emptyTally(): Tally {
  return { n: 0, detected: 0, correct: 0, confusion: {} };
}

/** Adds one verdict: `top` is the judge's label (null: no face), `truth` the label asked for. */
export function addVerdict(t: Tally, truth: string, top: string | null): Tally {
  t.n++;
  const key = top ?? 'none';
  t.confusion[key] = (t.confusion[key] ?? 0) + 1;
  if (top !== null) {
    t.detected++;
    if (top === truth) t.correct++;
  }
  return t;
}

export function mergeTallies(tallies: readonly Tally[]): Tally {
  const out = emptyTally();
  for (const t of tallies) {
    out.n += t.n;
    out.detected += t.detected;
    out.correct += t.correct;
    for (const [k, v] of Object.entries(t.confusion)) out.confusion[k] = (out.confusion[k] ?? 0) + v;
  }
  return out;
}

export interface Rates {
  /** Share with a face found (null when n = 0). */
  detectionShare: number | null;
  /** Share right among those with a face (null when none had a face). */
  accuracy: number | null;
  /** Share right among all, a miss counting as wrong (null when n = 0). */
  accuracyAll: number | null;
}

export function rates(t: Tally): Rates {
  return {
    detectionShare: t.n > 0 ? t.detected / t.n : null,
    accuracy: t.detected > 0 ? t.correct / t.detected : null,
    accuracyAll: t.n > 0 ? t.correct / t.n : null,
  };
}

/** Mean of the non-null values, or null when there are none. */
export function meanOf(values: readonly (number | null)[]): number | null {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

/** Quantile q (0..1) with linear interpolation between order statistics (R type 7); null for no data. */
export function quantile(values: readonly number[], q: number): number | null {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const h = (v.length - 1) * Math.min(Math.max(q, 0), 1);
  const lo = Math.floor(h), hi = Math.ceil(h);
  return v[lo]! + (h - lo) * (v[hi]! - v[lo]!);
}

/** face-api's convention: descriptors closer than this are the same person. */
export const SAME_PERSON_DISTANCE = 0.6;

export interface IdentityStats {
  n: number;
  mean: number | null;
  p90: number | null;
  max: number | null;
  /** Share of distances under SAME_PERSON_DISTANCE. */
  shareSame: number | null;
}

export function identityStats(distances: readonly number[]): IdentityStats {
  const d = distances.filter(Number.isFinite);
  if (d.length === 0) return { n: 0, mean: null, p90: null, max: null, shareSame: null };
  return {
    n: d.length,
    mean: d.reduce((a, b) => a + b, 0) / d.length,
    p90: quantile(d, 0.9),
    max: Math.max(...d),
    shareSame: d.filter((x) => x < SAME_PERSON_DISTANCE).length / d.length,
  };
}

/**
 * The share of renders under SAME_PERSON_DISTANCE as a count ("259 of 260"): a percentage
 * rounds 259 of 260 up to "100%", which reads as the target met when one render misses it.
 */
export function sameShareText(id: IdentityStats): string {
  if (id.shareSame === null || id.n === 0) return 'n/a';
  return `${Math.round(id.shareSame * id.n)} of ${id.n}`;
}

/** Euclidean distance between two descriptors of the same length. */
export function descriptorDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`descriptor lengths differ: ${a.length} vs ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
}

// ---------------------------------------------------------------------------------------------
// Animation metrics, on signals sampled at known times.

export interface BlinkEvent {
  /** First time the lids are closed by more than the threshold (interpolated), seconds. */
  start: number;
  /** Last such time (interpolated), seconds. */
  end: number;
  duration: number;
  /** Largest closure in the event. */
  peak: number;
}

/**
 * Blinks in a lid-closure signal (0 open, 1 closed) sampled at `times`: each maximal run above
 * `threshold` is one blink; runs cut by either end of the signal are left out. Start and end
 * are interpolated linearly between samples.
 */
export function blinkEvents(times: ArrayLike<number>, closure: ArrayLike<number>, threshold = 0.02): BlinkEvent[] {
  const n = Math.min(times.length, closure.length);
  const out: BlinkEvent[] = [];
  let start: number | null = null;
  let peak = 0;
  const cross = (i: number) => {
    // Time between samples i-1 and i where the signal passes the threshold.
    const t0 = times[i - 1]!, t1 = times[i]!, v0 = closure[i - 1]!, v1 = closure[i]!;
    return v1 === v0 ? t1 : t0 + ((threshold - v0) / (v1 - v0)) * (t1 - t0);
  };
  for (let i = 0; i < n; i++) {
    const above = closure[i]! > threshold;
    if (above && start === null) {
      if (i === 0) { start = Number.NaN; peak = closure[i]!; continue; }
      start = cross(i);
      peak = closure[i]!;
    } else if (above && start !== null) {
      peak = Math.max(peak, closure[i]!);
    } else if (!above && start !== null) {
      const end = cross(i);
      if (Number.isFinite(start)) out.push({ start, end, duration: end - start, peak });
      start = null;
    }
  }
  return out;
}

/** Events per minute over a span of `seconds`. */
export function perMinute(count: number, seconds: number): number {
  if (!(seconds > 0)) throw new Error('the span must be positive');
  return (count * 60) / seconds;
}

/**
 * Time a signal takes to go from `lo` to `hi` of its change (default 10% to 90%), from its value
 * at the first sample to its value at the last: the first crossing of the `hi` level minus the
 * last crossing of the `lo` level before it, interpolated between samples. Works for rises and
 * falls alike; null when the signal does not change or never reaches the `hi` level.
 */
export function transitionTime(times: ArrayLike<number>, values: ArrayLike<number>, lo = 0.1, hi = 0.9): number | null {
  const n = Math.min(times.length, values.length);
  if (n < 2) return null;
  const v0 = values[0]!, v1 = values[n - 1]!;
  const change = v1 - v0;
  if (!(Math.abs(change) > 1e-12)) return null;
  // Progress along the change, 0 at the start, 1 at the end.
  const p = (i: number) => (values[i]! - v0) / change;
  const at = (i: number, level: number) => {
    const a = p(i - 1), b = p(i);
    return b === a ? times[i]! : times[i - 1]! + ((level - a) / (b - a)) * (times[i]! - times[i - 1]!);
  };
  let hiIdx = -1;
  for (let i = 1; i < n; i++) if (p(i) >= hi && p(i - 1) < hi) { hiIdx = i; break; }
  if (hiIdx < 0) return null;
  let tLo = times[0]!;
  for (let i = hiIdx; i >= 1; i--) if (p(i) >= lo && p(i - 1) < lo) { tLo = at(i, lo); break; }
  return at(hiIdx, hi) - tLo;
}

/**
 * RMS over landmarks of a displacement between two frames (x, y, z per landmark).
 */
export function rmsDisplacement(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s / (n / 3));
}

export interface RestMotion {
  /** Frame pairs measured. */
  frames: number;
  /** RMS over frames of the per-frame RMS landmark step (same unit as the landmarks). */
  step: number;
  /** RMS over frames of the per-frame RMS second difference (acceleration per frame^2): jitter. */
  jitter: number;
}

/**
 * Frame-to-frame motion of landmark frames sampled at a fixed step. `step` is how far the face
 * moves per frame (smooth drift counts); `jitter` is the second difference, which is zero for
 * any motion at constant velocity and picks up shaking. Frames where `keep` is false (for
 * example during blinks) are left out together with their neighbours.
 */
export function restMotion(frames: readonly ArrayLike<number>[], keep?: readonly boolean[]): RestMotion {
  let s1 = 0, n1 = 0, s2 = 0;
  const ok = (i: number) => !keep || keep[i] !== false;
  for (let i = 1; i < frames.length; i++) {
    if (!ok(i) || !ok(i - 1)) continue;
    s1 += rmsDisplacement(frames[i]!, frames[i - 1]!) ** 2;
    n1++;
  }
  let n2 = 0;
  for (let i = 1; i + 1 < frames.length; i++) {
    if (!ok(i - 1) || !ok(i) || !ok(i + 1)) continue;
    const a = frames[i - 1]!, b = frames[i]!, c = frames[i + 1]!;
    let s = 0;
    for (let k = 0; k < b.length; k++) s += (a[k]! - 2 * b[k]! + c[k]!) ** 2;
    s2 += s / (b.length / 3);
    n2++;
  }
  return { frames: n1, step: n1 ? Math.sqrt(s1 / n1) : 0, jitter: n2 ? Math.sqrt(s2 / n2) : 0 };
}
