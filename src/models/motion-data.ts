/**
 * Face-video sequences to motion training data (pure: numbers in, numbers out; the CLI reads
 * the .ebseq file with src/data/files.ts and hands the clips in).
 *
 * Per clip (one identity):
 *  1. Eye openness per frame and eye: mean lid gap of the five middle lid pairs over the eye's
 *     corner-to-corner width, on the aligned mesh. Closure = 1 - openness / the eye's open
 *     level, where the open level is the 90th percentile of openness over the surrounding
 *     3 seconds (so a squint or a surprise does not read as a blink).
 *  2. Reference face: the clip's own neutral, found iteratively. Start from the per-vertex
 *     median of all frames; fit every frame against it; take the 20% of frames (eyes open)
 *     whose fitted code has the least expression energy (landmark RMS the code explains), and
 *     make their per-vertex median the new reference; twice. Talking and expressive clips rarely
 *     start neutral, so "the first second" would not be a safe choice.
 *  3. Expression code per frame: the rig's 19 action units fitted by non-negative least
 *     squares against that reference (core/expression-fit.ts).
 *  4. Eye events (blinks: both eyes; winks: one eye; long closures over 0.8 s are not blinks)
 *     from the closure curves; the codes of frames inside an event are replaced by a straight
 *     line between the frames around it, so blinks do not leak into the lids' action units
 *     (the runtime draws blinks from the measured statistics instead).
 *  5. Resampling of each run of valid frames (gaps up to 0.15 s bridged) onto a fixed step
 *     (1/30 s), optionally time-warped, and a light [1 2 1]/4 smoothing against detector jitter.
 *  6. Transitions: the movements between minima of the landmark speed (findTransitions) that
 *     change the face by a minimum amount; a transition's start is the trigger, its end state
 *     the target.
 */
import { createExpressionFitter } from '../core/expression-fit.ts';
import { ACTION_UNITS, AU_COUNT } from '../core/rig.ts';
import { LANDMARK_COUNT, LEFT_EYE_LOWER, LEFT_EYE_UPPER, RIGHT_EYE_LOWER, RIGHT_EYE_UPPER } from '../core/topology.ts';

const N3 = LANDMARK_COUNT * 3;
const D = AU_COUNT;

export interface ClipSource {
  info: { source: string; identity: string; fps: number };
  /** Seconds, one per frame. */
  time: ArrayLike<number>;
  /** 1 where the frame holds a usable face. */
  valid: ArrayLike<number>;
  /** Aligned meshes, 468 x xyz per frame, canonical centimetres. */
  mesh: Float32Array | Float64Array;
  /** yaw, pitch, roll in degrees per frame (optional). */
  pose?: ArrayLike<number>;
}

export interface EyeEvent {
  kind: 'blink' | 'wink' | 'closure';
  /** Seconds (clip time). */
  start: number;
  end: number;
  peakTime: number;
  /** Closure at the peak, 0..1. */
  peak: number;
  duration: number;
  /** Fraction of the event above 90% of its peak closure. */
  holdFraction: number;
}

export interface Transition {
  /** Step indices into PreparedClip.codes: the trigger and the settled end. */
  start: number;
  end: number;
  /** Step of the fastest motion. */
  peak: number;
  /** Landmark RMS change from start to end, mm. */
  amplitude: number;
  /** Onset (moving away from the reference face) or offset (towards it). */
  kind: 'onset' | 'offset';
}

export interface PreparedClip {
  source: string;
  identity: string;
  fps: number;
  /** Seconds of valid video. */
  seconds: number;
  /** Per valid frame: time, fitted code (blink-cleaned), closure of the right and left eye, fit residual (cm), pose. */
  frames: { time: Float64Array; codes: Float32Array; closure: Float32Array; rms: Float32Array; pose: Float32Array | null };
  eyeEvents: EyeEvent[];
  /** Time-warp factor of the steps (1: real time). */
  rate: number;
  /** Step in seconds of the resampled codes. */
  dt: number;
  /** Resampled codes, steps x AU_COUNT. */
  codes: Float32Array;
  /** Clip time of each step. */
  stepTime: Float64Array;
  /** Runs of consecutive steps [start, end) with no gap. */
  runs: { start: number; end: number }[];
  /** Landmark RMS speed per step, mm/s. */
  speed: Float32Array;
  transitions: Transition[];
  /** Head pose per step (yaw, pitch, roll degrees), when the source has it. */
  pose: Float32Array | null;
}

export interface PrepareOptions {
  /** The rig's displacement basis (createExpressionRig().basis). */
  basis: ArrayLike<number>;
  /** Step of the resampled codes, seconds (default 1/30). */
  dt?: number;
  /** Time-warp factor: 1.25 plays the clip 25% faster. Default 1. */
  rate?: number;
  /** Smooth the resampled codes with [1 2 1]/4 (default true). */
  smooth?: boolean;
  /** Thresholds of the movement segmentation (findTransitions). */
  transitions?: TransitionOptions;
}

export const MOTION_DT = 1 / 30;
const MAX_GAP = 0.15;

// ---------------------------------------------------------------------------------------------
// Eyes

const EYE_PAIRS = [
  { upper: RIGHT_EYE_UPPER.slice(2, 7), lower: RIGHT_EYE_LOWER.slice(2, 7), a: RIGHT_EYE_UPPER[0], b: RIGHT_EYE_UPPER[8] },
  { upper: LEFT_EYE_UPPER.slice(2, 7), lower: LEFT_EYE_LOWER.slice(2, 7), a: LEFT_EYE_UPPER[0], b: LEFT_EYE_UPPER[8] },
];

/** Lid gap over eye width for the subject's right and left eye of one aligned mesh. */
export function eyeOpenness(mesh: ArrayLike<number>, offset = 0): [number, number] {
  const out: number[] = [];
  for (const e of EYE_PAIRS) {
    let gap = 0;
    for (let k = 0; k < e.upper.length; k++) {
      const u = e.upper[k]!, l = e.lower[k]!;
      gap += Math.hypot(mesh[offset + u * 3]! - mesh[offset + l * 3]!, mesh[offset + u * 3 + 1]! - mesh[offset + l * 3 + 1]!);
    }
    const w = Math.hypot(mesh[offset + e.a * 3]! - mesh[offset + e.b * 3]!, mesh[offset + e.a * 3 + 1]! - mesh[offset + e.b * 3 + 1]!);
    out.push(w > 0 ? gap / e.upper.length / w : 0);
  }
  return [out[0]!, out[1]!];
}

function quantileSorted(s: ArrayLike<number>, q: number): number {
  if (s.length === 0) return NaN;
  const p = (s.length - 1) * q;
  const i = Math.floor(p), f = p - i;
  return i + 1 < s.length ? s[i]! * (1 - f) + s[i + 1]! * f : s[i]!;
}

export function quantile(values: ArrayLike<number>, q: number): number {
  return quantileSorted(Float64Array.from(values).sort(), q);
}

/** Closure (0 open .. 1 closed) against the open level around each frame. */
export function closureCurve(time: ArrayLike<number>, openness: ArrayLike<number>, window = 1.5): Float32Array {
  const n = openness.length;
  const out = new Float32Array(n);
  let lo = 0, hi = 0;
  for (let i = 0; i < n; i++) {
    while (time[lo]! < time[i]! - window) lo++;
    while (hi < n && time[hi]! <= time[i]! + window) hi++;
    const win: number[] = [];
    for (let j = lo; j < hi; j++) win.push(openness[j]!);
    const open = quantile(win, 0.9);
    out[i] = open > 0 ? Math.min(Math.max(1 - openness[i]! / open, 0), 1) : 0;
  }
  return out;
}

export interface EyeEventOptions {
  /** Least peak closure of an event (default 0.35). */
  peak?: number;
  /** Boundary level as a fraction of the peak closure (default 0.2). */
  level?: number;
  /** Longer events are eye closures, not blinks (default 0.8 s). */
  maxBlink?: number;
  /** Largest frame gap inside an event (default 0.15 s). */
  maxGap?: number;
  /**
   * Least rise of a blink or wink above the closure on either side of it (the least closure
   * within 0.4 s before and after), default 0.3: a half-closed, noisy squint is not a blink.
   */
  prominence?: number;
}

/**
 * Blinks, winks and long closures from per-frame closure curves of both eyes. A blink closes
 * both eyes (the smaller closure reaches the peak level); its extent is where the mean closure
 * crosses `level` x its peak, found by linear interpolation between frames.
 */
export function detectEyeEvents(time: ArrayLike<number>, right: ArrayLike<number>, left: ArrayLike<number>, o: EyeEventOptions = {}): EyeEvent[] {
  const peakLevel = o.peak ?? 0.35, level = o.level ?? 0.2, maxBlink = o.maxBlink ?? 0.8, maxGap = o.maxGap ?? MAX_GAP, minRise = o.prominence ?? 0.3;
  const n = time.length;
  const both = new Float64Array(n), mean = new Float64Array(n), one = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    both[i] = Math.min(right[i]!, left[i]!);
    mean[i] = (right[i]! + left[i]!) / 2;
    one[i] = Math.max(right[i]!, left[i]!);
  }
  const events: EyeEvent[] = [];
  const taken = new Uint8Array(n);
  const scan = (detect: Float64Array, shape: Float64Array, kind: 'blink' | 'wink') => {
    // Candidate peaks, highest first.
    const peaks: number[] = [];
    for (let i = 0; i < n; i++) {
      if (detect[i]! < peakLevel) continue;
      if ((i > 0 && detect[i - 1]! > detect[i]!) || (i + 1 < n && detect[i + 1]! >= detect[i]!)) continue;
      peaks.push(i);
    }
    peaks.sort((a, b) => detect[b]! - detect[a]!);
    for (const p of peaks) {
      if (taken[p]) continue;
      const pk = shape[p]!;
      // Each side's level sits `level` of the way from that side's floor (the least closure
      // within 0.4 s) to the peak, so a squint that starts or ends with the blink is not counted.
      let floorA = pk, floorB = pk;
      for (let k = p; k >= 0 && time[p]! - time[k]! <= 0.4; k--) floorA = Math.min(floorA, shape[k]!);
      for (let k = p; k < n && time[k]! - time[p]! <= 0.4; k++) floorB = Math.min(floorB, shape[k]!);
      const rise = pk - Math.max(floorA, floorB);
      // A closure that stays high on a side for 0.4 s is no quick dip there: measure it from open.
      if (pk - floorA < 0.5 * pk) floorA = 0;
      if (pk - floorB < 0.5 * pk) floorB = 0;
      const lvA = floorA + level * (pk - floorA), lvB = floorB + level * (pk - floorB);
      let a = p, b = p;
      while (a > 0 && shape[a - 1]! > lvA && shape[a - 1]! <= shape[a]! + 0.05 && time[a]! - time[a - 1]! <= maxGap) a--;
      while (b + 1 < n && shape[b + 1]! > lvB && shape[b + 1]! <= shape[b]! + 0.05 && time[b + 1]! - time[b]! <= maxGap) b++;
      // Edges: interpolate the crossing when the next frame out is below the level.
      const cross = (i: number, j: number, lv: number) => {
        const ci = shape[i]!, cj = shape[j]!;
        if (cj >= lv || ci <= cj || Math.abs(time[i]! - time[j]!) > maxGap) return time[i]!;
        return time[j]! + (time[i]! - time[j]!) * (lv - cj) / (ci - cj);
      };
      if (a === 0 || b === n - 1) { for (let k = a; k <= b; k++) taken[k] = 1; continue; }
      const start = cross(a, a - 1, lvA), end = cross(b, b + 1, lvB);
      let overlaps = false;
      for (let k = a; k <= b; k++) if (taken[k]) overlaps = true;
      for (let k = Math.max(0, a - 1); k <= Math.min(n - 1, b + 1); k++) taken[k] = 1;
      if (overlaps) continue;
      let hold = 0;
      const floor = Math.max(floorA, floorB);
      for (let k = a; k <= b; k++) if (shape[k]! >= floor + 0.9 * (pk - floor)) hold++;
      const duration = end - start;
      if (duration <= maxBlink && rise < minRise) continue;
      events.push({
        kind: duration > maxBlink ? 'closure' : kind, start, end, peakTime: time[p]!, peak: pk, duration,
        holdFraction: Math.min(1, Math.max(0, (hold - 1) / Math.max(b - a + 2, 1))),
      });
    }
  };
  scan(both, mean, 'blink');
  scan(one, one, 'wink');
  return events.sort((x, y) => x.start - y.start);
}

// ---------------------------------------------------------------------------------------------
// Codes

/** Gram matrix of the rig basis, for landmark distances between codes. */
export function basisGram(basis: ArrayLike<number>): Float64Array {
  const G = new Float64Array(D * D);
  for (let a = 0; a < D; a++) {
    for (let b = a; b < D; b++) {
      let s = 0;
      for (let t = 0; t < N3; t++) s += basis[a * N3 + t]! * basis[b * N3 + t]!;
      G[a * D + b] = s; G[b * D + a] = s;
    }
  }
  return G;
}

/** Landmark RMS distance (mm) the code difference a - b makes on the canonical face. */
export function codeDistanceMm(G: Float64Array, a: ArrayLike<number>, b: ArrayLike<number> | null, ao = 0, bo = 0): number {
  let s = 0;
  for (let i = 0; i < D; i++) {
    const di = a[ao + i]! - (b ? b[bo + i]! : 0);
    if (di === 0) continue;
    for (let j = 0; j < D; j++) s += di * G[i * D + j]! * (a[ao + j]! - (b ? b[bo + j]! : 0));
  }
  return Math.sqrt(Math.max(s, 0) / LANDMARK_COUNT) * 10;
}

function medianMesh(mesh: ArrayLike<number>, frames: readonly number[]): Float64Array {
  const ref = new Float64Array(N3);
  const col = new Float64Array(frames.length);
  for (let t = 0; t < N3; t++) {
    for (let k = 0; k < frames.length; k++) col[k] = mesh[frames[k]! * N3 + t]!;
    col.sort();
    ref[t] = quantileSorted(col, 0.5);
  }
  return ref;
}

/** Mirror permutation of the code: subject's left and right action units swap. */
export const MIRROR: readonly number[] = ACTION_UNITS.map((u, i) => {
  const m = u.endsWith('L') ? u.slice(0, -1) + 'R' : u.endsWith('R') ? u.slice(0, -1) + 'L' : u;
  const j = (ACTION_UNITS as readonly string[]).indexOf(m);
  return j >= 0 ? j : i;
});

export function prepareClip(clip: ClipSource, o: PrepareOptions): PreparedClip | null {
  const dt = o.dt ?? MOTION_DT;
  const G = basisGram(o.basis);
  const idx: number[] = [];
  for (let i = 0; i < clip.time.length; i++) if (clip.valid[i]) idx.push(i);
  if (idx.length < 30) return null;
  const n = idx.length;
  const time = Float64Array.from(idx, (i) => clip.time[i]!);
  // 1. Eyes.
  const openR = new Float64Array(n), openL = new Float64Array(n);
  idx.forEach((f, k) => { const [r, l] = eyeOpenness(clip.mesh, f * N3); openR[k] = r; openL[k] = l; });
  const closure = new Float32Array(n * 2);
  const cR = closureCurve(time, openR), cL = closureCurve(time, openL);
  for (let k = 0; k < n; k++) { closure[k * 2] = cR[k]!; closure[k * 2 + 1] = cL[k]!; }
  // 2-3. Reference face and codes.
  const fitter = createExpressionFitter({ basis: o.basis });
  const codes = new Float32Array(n * D);
  const rms = new Float32Array(n);
  const code = new Float64Array(D);
  let reference = medianMesh(clip.mesh, idx);
  const fitAll = () => {
    for (let k = 0; k < n; k++) {
      const f = idx[k]!;
      const r = fitter.fit(clip.mesh.subarray(f * N3, (f + 1) * N3), reference, code);
      codes.set(r.code, k * D);
      rms[k] = r.rms;
    }
  };
  const eyesOpen = (k: number) => cR[k]! < 0.25 && cL[k]! < 0.25;
  for (let pass = 0; pass < 2; pass++) {
    fitAll();
    const energy = idx.map((_, k) => ({ k, e: codeDistanceMm(G, codes, null, k * D) })).filter(({ k }) => eyesOpen(k));
    energy.sort((a, b) => a.e - b.e);
    const take = energy.slice(0, Math.max(5, Math.round(energy.length * 0.2))).map(({ k }) => idx[k]!);
    reference = medianMesh(clip.mesh, take);
  }
  fitAll();
  // 4. Eye events; clean the codes inside them.
  const eyeEvents = detectEyeEvents(time, cR, cL);
  for (const ev of eyeEvents) {
    if (ev.kind === 'closure') continue;
    let a = 0;
    while (a < n && time[a]! < ev.start) a++;
    let b = a;
    while (b < n && time[b]! <= ev.end) b++;
    // Frames a-1 and b are the open frames around the event.
    const i0 = Math.max(a - 1, 0), i1 = Math.min(b, n - 1);
    for (let k = i0 + 1; k < i1; k++) {
      const u = (time[k]! - time[i0]!) / Math.max(time[i1]! - time[i0]!, 1e-9);
      for (let d = 0; d < D; d++) codes[k * D + d] = codes[i0 * D + d]! * (1 - u) + codes[i1 * D + d]! * u;
    }
  }
  const base: PreparedClip = {
    source: clip.info.source, identity: clip.info.identity, fps: clip.info.fps, seconds: 0,
    frames: { time, codes, closure, rms, pose: clip.pose ? Float32Array.from(idx.flatMap((f) => [clip.pose![f * 3]!, clip.pose![f * 3 + 1]!, clip.pose![f * 3 + 2]!])) : null },
    eyeEvents, rate: 1, dt, codes: new Float32Array(0), stepTime: new Float64Array(0), runs: [], speed: new Float32Array(0), transitions: [], pose: null,
  };
  return warpClip(base, o.rate ?? 1, G, o.smooth ?? true, o.transitions);
}

/**
 * Resamples a prepared clip's frames onto its fixed step, played `rate` times as fast (time
 * warping), smooths, and finds the transitions. The frames and eye events are shared.
 */
export function warpClip(p: PreparedClip, rate: number, G: Float64Array, smooth = true, transitions: TransitionOptions = {}): PreparedClip {
  const { time, codes } = p.frames;
  const framePose = p.frames.pose;
  const dt = p.dt, n = time.length;
  const stepCodes: number[] = [], stepTime: number[] = [], stepPose: number[] = [];
  const runs: { start: number; end: number }[] = [];
  let seconds = 0;
  let r0 = 0;
  for (let k = 1; k <= n; k++) {
    if (k < n && time[k]! - time[k - 1]! <= MAX_GAP) continue;
    const ta = time[r0]!, tb = time[k - 1]!;
    seconds += tb - ta;
    const steps = Math.floor((tb - ta) / (dt * rate) + 1e-9) + 1;
    if (steps >= 4) {
      const start = stepTime.length;
      let j = r0;
      for (let s = 0; s < steps; s++) {
        const t = ta + s * dt * rate;
        while (j + 1 < k - 1 && time[j + 1]! <= t) j++;
        const j1 = Math.min(j + 1, k - 1);
        const u = j1 === j ? 0 : Math.min(Math.max((t - time[j]!) / (time[j1]! - time[j]!), 0), 1);
        for (let d = 0; d < D; d++) stepCodes.push(codes[j * D + d]! * (1 - u) + codes[j1 * D + d]! * u);
        if (framePose) for (let c = 0; c < 3; c++) stepPose.push(framePose[j * 3 + c]! * (1 - u) + framePose[j1 * 3 + c]! * u);
        stepTime.push(t);
      }
      runs.push({ start, end: stepTime.length });
    }
    r0 = k;
  }
  const out = Float32Array.from(stepCodes);
  if (smooth) {
    const tmp = Float32Array.from(out);
    for (const run of runs) {
      for (let s = run.start + 1; s < run.end - 1; s++) {
        for (let d = 0; d < D; d++) out[s * D + d] = (tmp[(s - 1) * D + d]! + 2 * tmp[s * D + d]! + tmp[(s + 1) * D + d]!) / 4;
      }
    }
  }
  // Speed for segmentation: from codes smoothed once more ([1 4 6 4 1]/16 in all), so detector
  // jitter does not read as movement.
  const steps = stepTime.length;
  const seg = Float32Array.from(out);
  for (const run of runs) {
    for (let s = run.start + 1; s < run.end - 1; s++) {
      for (let d = 0; d < D; d++) seg[s * D + d] = (out[(s - 1) * D + d]! + 2 * out[s * D + d]! + out[(s + 1) * D + d]!) / 4;
    }
  }
  const speed = new Float32Array(steps);
  for (const run of runs) {
    for (let s = run.start; s < run.end; s++) {
      const a = Math.max(s - 1, run.start), b = Math.min(s + 1, run.end - 1);
      speed[s] = b > a ? codeDistanceMm(G, seg, seg, b * D, a * D) / ((b - a) * dt) : 0;
    }
  }
  return {
    ...p, seconds, rate, codes: out, stepTime: Float64Array.from(stepTime), runs, speed,
    transitions: findTransitions(out, speed, runs, G, dt, transitions), pose: framePose ? Float32Array.from(stepPose) : null,
  };
}

export interface TransitionOptions {
  /** Landmark speed (mm/s) under which the face counts as still. Default 2. */
  low?: number;
  /** Speed a movement must reach. Default 6. */
  high?: number;
  /** Least change from start to end, mm. Default 0.5. */
  minAmplitude?: number;
  /** Two speed peaks are one movement unless the speed between them falls under this fraction of the smaller peak. Default 0.5. */
  dip?: number;
}

/**
 * Movements, segmented at minima of the landmark speed (the usual segmentation of movement
 * into strokes): each speed peak above `high` is one movement, from the speed minimum before it
 * to the one after it (or from where the face last was still to where it is still again), two
 * peaks merging when the speed between them does not fall clearly. Faces that talk move all the
 * time, so most movements start and end in motion; the trigger of each is its start.
 */
export function findTransitions(codes: Float32Array, speed: Float32Array, runs: readonly { start: number; end: number }[], G: Float64Array, _dt: number, o: TransitionOptions = {}): Transition[] {
  const low = o.low ?? 2, high = o.high ?? 6, minAmp = o.minAmplitude ?? 0.5, dip = o.dip ?? 0.5;
  const out: Transition[] = [];
  for (const run of runs) {
    // Peaks: local maxima at or above `high`.
    let peaks: number[] = [];
    for (let s = run.start; s < run.end; s++) {
      const v = speed[s]!;
      if (v < high) continue;
      if (s > run.start && speed[s - 1]! > v) continue;
      if (s + 1 < run.end && speed[s + 1]! >= v) continue;
      peaks.push(s);
    }
    const minBetween = (a: number, b: number) => {
      let m = a;
      for (let s = a; s <= b; s++) if (speed[s]! < speed[m]!) m = s;
      return m;
    };
    // Merge peaks with no clear dip between them (keep the higher).
    let merged = true;
    while (merged && peaks.length > 1) {
      merged = false;
      for (let i = 0; i + 1 < peaks.length; i++) {
        const a = peaks[i]!, b = peaks[i + 1]!;
        const m = minBetween(a, b);
        if (speed[m]! > dip * Math.min(speed[a]!, speed[b]!)) {
          peaks = [...peaks.slice(0, i), speed[a]! >= speed[b]! ? a : b, ...peaks.slice(i + 2)];
          merged = true;
          break;
        }
      }
    }
    peaks.forEach((p, i) => {
      let start = i > 0 ? minBetween(peaks[i - 1]!, p) : minBetween(run.start, p);
      let end = i + 1 < peaks.length ? minBetween(p, peaks[i + 1]!) : minBetween(p, run.end - 1);
      // Not into a stretch of stillness: from where the face last was still, to where it is still again.
      for (let s = p; s > start; s--) if (speed[s - 1]! <= low) { start = s - 1; break; }
      for (let s = p; s < end; s++) if (speed[s + 1]! <= low) { end = s + 1; break; }
      if (end <= start) return;
      const amplitude = codeDistanceMm(G, codes, codes, end * D, start * D);
      if (amplitude < minAmp) return;
      const kind = codeDistanceMm(G, codes, null, end * D) >= codeDistanceMm(G, codes, null, start * D) ? 'onset' : 'offset';
      out.push({ start, end, peak: p, amplitude, kind });
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Blink statistics

export interface MeasuredBlinkFigures {
  count: number;
  winks: number;
  closures: number;
  seconds: number;
  perMinute: number;
  durations: number[];
  duration: { median: number; mean: number; p10: number; p90: number; min: number; max: number; logSd: number };
  /** Share of a blink spent closing (start to peak) and held closed. */
  closeFraction: number;
  holdFraction: number;
  /** Gaps between the end of a blink and the start of the next (same run), seconds. */
  gaps: number[];
}

export function blinkFigures(clips: readonly { seconds: number; eyeEvents: readonly EyeEvent[] }[]): MeasuredBlinkFigures {
  const durations: number[] = [], close: number[] = [], hold: number[] = [], gaps: number[] = [];
  let count = 0, winks = 0, closures = 0, seconds = 0;
  for (const c of clips) {
    seconds += c.seconds;
    let prevEnd: number | null = null;
    for (const e of c.eyeEvents) {
      if (e.kind === 'wink') { winks++; continue; }
      if (e.kind === 'closure') { closures++; continue; }
      count++;
      durations.push(e.duration);
      close.push(e.duration > 0 ? (e.peakTime - e.start) / e.duration : 0.4);
      hold.push(e.holdFraction);
      if (prevEnd !== null) gaps.push(e.start - prevEnd);
      prevEnd = e.end;
    }
  }
  const logs = durations.map(Math.log);
  const lm = logs.reduce((a, b) => a + b, 0) / Math.max(logs.length, 1);
  const lsd = Math.sqrt(logs.reduce((a, b) => a + (b - lm) ** 2, 0) / Math.max(logs.length - 1, 1));
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / Math.max(a.length, 1);
  return {
    count, winks, closures, seconds, perMinute: seconds > 0 ? (count / seconds) * 60 : 0, durations,
    duration: {
      median: quantile(durations, 0.5), mean: mean(durations), p10: quantile(durations, 0.1), p90: quantile(durations, 0.9),
      min: durations.length ? Math.min(...durations) : NaN, max: durations.length ? Math.max(...durations) : NaN, logSd: lsd,
    },
    closeFraction: mean(close), holdFraction: mean(hold), gaps,
  };
}
