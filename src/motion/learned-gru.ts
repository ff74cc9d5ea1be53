/**
 * The learned motion model's step, in plain typed-array maths (no tfjs), so it runs inside the
 * page's frame loop. One step moves the expression code by one fixed time step `dt`:
 *
 *   input  u_k = [ a*c*x_k, c*(g - x_k), c*v_k*velocityScale, exp(-tau_k / s) for s in tauScales ]
 *   GRU    h_{k+1} = GRU(u_k, h_k)                         (Keras "reset_after" convention)
 *   rate   a_k = alphaMin + (1 - alphaMin) * sigmoid(h_{k+1} Wo + bo)       (one per unit)
 *   next   x_{k+1} = x_k + a_k * (g - x_k)
 *
 * x is the code (rig action units), c a fixed per-unit scale (about one over the unit's range in
 * the training data, so every unit reaches the net at a similar size), a a gain on the absolute
 * code (0 when the net only sees what is left to go), g the target of the last trigger, v_k = x_k - x_{k-1} the
 * motion of the last step, tau_k = k dt the time since the trigger. Each unit moves a learned,
 * time-varying fraction of the way to the target on every step: the learned part is how fast,
 * when and in which order (mouth before eyes, quick onsets, slower releases, ease-in from rest);
 * the convex step means no overshoot, never a negative activation, and a face that always
 * settles on its target however long it is held (a >= alphaMin > 0). The hidden state starts
 * at zero at every trigger, as in training; v carries the motion across a trigger.
 *
 * The training code (src/models/motion-train.ts) builds the same graph in tfjs; a test checks
 * both give the same numbers.
 *
 * Trained with a squared error on free-running rollouts, the net hedges on when a movement
 * starts and moves more slowly than any one real movement. So after training, the speed at which
 * the runtime plays its steps is fitted per phase of a movement (onset from rest, change between
 * expressions, release to rest: motionPhase) so that its median 10-90% durations match the
 * training clips' (timeScales; fitTimeScales in src/models/motion-eval.ts). The net also starts
 * at full speed where real faces start slowly (often a short wait, then an S-curve), so the start
 * of each phase's playback is warped (startWarps: latency and ease-in, warpTime), fitted on the
 * training clips too.
 */

export interface MotionNet {
  /** Number of code dimensions (the rig's action units). */
  dims: number;
  hidden: number;
  /** Seconds per step. */
  dt: number;
  velocityScale: number;
  /** Per-unit input scale (dims). */
  inputScale: Float32Array;
  /** Gain of the absolute code in the input (0: the net sees only the change still to go and the motion). */
  absoluteGain: number;
  tauScales: readonly number[];
  alphaMin: number;
  /** inputSize x 3*hidden, gate blocks z | r | n. */
  wx: Float32Array;
  /** hidden x 3*hidden. */
  wh: Float32Array;
  bx: Float32Array;
  bh: Float32Array;
  /** hidden x dims. */
  wo: Float32Array;
  bo: Float32Array;
  /**
   * Playback speed of the net's steps per phase of a movement (1: one step per dt; 2: twice as
   * fast), fitted after training so the runtime's 10-90% durations match the training clips'
   * (fitTimeScales in src/models/motion-eval.ts). Absent in older models: all 1.
   */
  timeScales?: TimeScales;
  /**
   * How each phase's movement starts (latency and ease-in of the playback, see warpTime), fitted
   * after training so the runtime's time to 10% and time to peak velocity match the training
   * clips' (fitStartWarps in src/models/motion-eval.ts). Absent in older models: no warp.
   */
  startWarps?: StartWarps;
}

/** Phases of a movement: from rest into an expression, from one to another, back to rest. */
export type MotionPhase = 'onset' | 'change' | 'release';
export type TimeScales = Record<MotionPhase, number>;
export const MOTION_PHASES: readonly MotionPhase[] = ['onset', 'change', 'release'];
export const UNIT_TIME_SCALES: TimeScales = { onset: 1, change: 1, release: 1 };

/**
 * The start of a movement as a time-warp of the net's playback: clock time tau after a trigger
 * plays the net at warped time W(tau), with W'(tau) = r0 + (1 - r0) R((tau - latency) / ease),
 * R the smoothstep from 0 (before the latency) to 1 (after latency + ease), so a face that is
 * still at the trigger (r0 = 0) waits `latency` seconds, then speeds up smoothly to the net's own
 * pace over `ease` seconds; r0 (0..1, the runtime's choice) is how much of the net's first-step
 * speed the face already has, so motion carried across a trigger is not stopped. After
 * latency + ease the net plays at its pace, (latency + ease / 2) (1 - r0) seconds behind.
 */
export interface StartWarp { latency: number; ease: number }
export type StartWarps = Record<MotionPhase, StartWarp>;
export const NO_START_WARP: StartWarp = { latency: 0, ease: 0 };

/** W(tau) (seconds) and W'(tau) of a start warp with start rate r0 (see StartWarp). */
export function warpTime(w: StartWarp, r0: number, tau: number): { time: number; rate: number } {
  if (!(tau > 0)) return { time: 0, rate: r0 };
  const q = 1 - r0;
  if (q <= 0 || (w.latency <= 0 && w.ease <= 0)) return { time: tau, rate: 1 };
  if (tau <= w.latency) return { time: r0 * tau, rate: r0 };
  const e = w.ease;
  if (e > 0 && tau < w.latency + e) {
    const u = (tau - w.latency) / e;
    const u2 = u * u;
    return { time: r0 * tau + q * e * (u2 * u - 0.5 * u2 * u2), rate: r0 + q * u2 * (3 - 2 * u) };
  }
  return { time: tau - q * (w.latency + 0.5 * e), rate: 1 };
}

/**
 * A face is "near rest" at one end of a movement when its expression there is under this share
 * of the other end's (scaled-code norm, see motionPhase).
 */
export const REST_SHARE = 0.35;

/**
 * The phase of a movement from x0 towards g: 'onset' when it starts near rest (|x0| under
 * REST_SHARE of |g|), 'release' when it ends near rest (|g| under REST_SHARE of |x0|), otherwise
 * 'change'; |x| is the norm of the code in the net's input scale (each unit over its range in
 * the training data). The training code, the runtime and the evaluation all use this one rule.
 */
export function motionPhase(x0: ArrayLike<number>, g: ArrayLike<number>, inputScale: ArrayLike<number>): MotionPhase {
  let a = 0, b = 0;
  for (let d = 0; d < inputScale.length; d++) {
    const c = inputScale[d]!;
    a += (c * (x0[d] ?? 0)) ** 2;
    b += (c * (g[d] ?? 0)) ** 2;
  }
  const k = REST_SHARE * REST_SHARE;
  if (a < k * b) return 'onset';
  if (b < k * a) return 'release';
  return 'change';
}

export function inputSize(net: Pick<MotionNet, 'dims' | 'tauScales'>): number {
  return net.dims * 3 + net.tauScales.length;
}

/** Checks the shapes of a net's tensors; throws with a message naming the first mismatch. */
export function checkNet(net: MotionNet): void {
  const I = inputSize(net), H = net.hidden, D = net.dims;
  const want: [string, ArrayLike<number>, number][] = [
    ['wx', net.wx, I * 3 * H], ['wh', net.wh, H * 3 * H], ['bx', net.bx, 3 * H], ['bh', net.bh, 3 * H],
    ['wo', net.wo, H * D], ['bo', net.bo, D], ['inputScale', net.inputScale, D],
  ];
  for (const [name, a, n] of want) if (a.length !== n) throw new Error(`motion net: ${name} has ${a.length} values, expected ${n}`);
  if (!(net.dt > 0) || !(net.alphaMin >= 0 && net.alphaMin < 1)) throw new Error('motion net: bad dt or alphaMin');
  if (net.timeScales) for (const p of MOTION_PHASES) if (!(net.timeScales[p] > 0 && Number.isFinite(net.timeScales[p]))) throw new Error(`motion net: bad time scale for ${p}`);
  if (net.startWarps) {
    for (const p of MOTION_PHASES) {
      const w = net.startWarps[p];
      if (!(w.latency >= 0 && w.ease >= 0 && w.latency <= 2 && w.ease <= 2)) throw new Error(`motion net: bad start warp for ${p}`);
    }
  }
}

/** Writes the step input into u. */
export function buildInput(net: MotionNet, x: ArrayLike<number>, v: ArrayLike<number>, g: ArrayLike<number>, tau: number, u: Float64Array | Float32Array): void {
  const D = net.dims, c = net.inputScale, vs = net.velocityScale, ag = net.absoluteGain;
  for (let d = 0; d < D; d++) {
    u[d] = ag * c[d]! * x[d]!;
    u[D + d] = c[d]! * (g[d]! - x[d]!);
    u[2 * D + d] = c[d]! * v[d]! * vs;
  }
  const s = net.tauScales;
  for (let j = 0; j < s.length; j++) u[3 * D + j] = Math.exp(-Math.max(tau, 0) / s[j]!);
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Scratch buffers for one stepper (no allocation per step). */
export interface StepScratch { u: Float64Array; gx: Float64Array; gh: Float64Array }
export function createScratch(net: MotionNet): StepScratch {
  return { u: new Float64Array(inputSize(net)), gx: new Float64Array(3 * net.hidden), gh: new Float64Array(3 * net.hidden) };
}

/**
 * One step: reads x, v, g, tau and the hidden state h; writes the new hidden state into h and
 * the next code into xNext (which may not alias x).
 */
export function step(
  net: MotionNet, h: Float32Array, x: ArrayLike<number>, v: ArrayLike<number>, g: ArrayLike<number>, tau: number,
  xNext: Float64Array | Float32Array, s: StepScratch,
): void {
  const D = net.dims, H = net.hidden, H3 = 3 * H, I = s.u.length;
  buildInput(net, x, v, g, tau, s.u);
  const { u, gx, gh } = s;
  for (let j = 0; j < H3; j++) { gx[j] = net.bx[j]!; gh[j] = net.bh[j]!; }
  const wx = net.wx, wh = net.wh;
  for (let i = 0; i < I; i++) {
    const ui = u[i]!;
    if (ui === 0) continue;
    const o = i * H3;
    for (let j = 0; j < H3; j++) gx[j] = gx[j]! + ui * wx[o + j]!;
  }
  for (let i = 0; i < H; i++) {
    const hi = h[i]!;
    if (hi === 0) continue;
    const o = i * H3;
    for (let j = 0; j < H3; j++) gh[j] = gh[j]! + hi * wh[o + j]!;
  }
  for (let j = 0; j < H; j++) {
    const z = sigmoid(gx[j]! + gh[j]!);
    const r = sigmoid(gx[H + j]! + gh[H + j]!);
    const n = Math.tanh(gx[2 * H + j]! + r * gh[2 * H + j]!);
    h[j] = z * h[j]! + (1 - z) * n;
  }
  const wo = net.wo, bo = net.bo, am = net.alphaMin;
  for (let d = 0; d < D; d++) {
    let z = bo[d]!;
    for (let j = 0; j < H; j++) z += h[j]! * wo[j * D + d]!;
    const a = am + (1 - am) * sigmoid(z);
    xNext[d] = x[d]! + a * (g[d]! - x[d]!);
  }
}

/**
 * Free-running rollout from (x0, v0) towards g for `steps` steps after a trigger at tau = 0.
 * Returns (steps + 1) x dims codes, row 0 being x0.
 */
export function rollout(net: MotionNet, x0: ArrayLike<number>, v0: ArrayLike<number>, g: ArrayLike<number>, steps: number): Float64Array {
  const D = net.dims;
  const out = new Float64Array((steps + 1) * D);
  for (let d = 0; d < D; d++) out[d] = x0[d]!;
  const h = new Float32Array(net.hidden);
  const s = createScratch(net);
  const v = new Float64Array(D);
  for (let d = 0; d < D; d++) v[d] = v0[d]!;
  for (let k = 0; k < steps; k++) {
    const x = out.subarray(k * D, (k + 1) * D);
    const next = out.subarray((k + 1) * D, (k + 2) * D);
    step(net, h, x, v, g, k * net.dt, next, s);
    for (let d = 0; d < D; d++) v[d] = next[d]! - x[d]!;
  }
  return out;
}
