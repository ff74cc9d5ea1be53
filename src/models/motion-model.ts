/**
 * The motion model as a versioned asset: the GRU's tensors and the measured blink statistics,
 * packed with the shared manifest rules (models/manifest.ts: name, version, SHA-256, tensor
 * table, training command, metrics). No Node I/O here, so the page can decode the same bytes
 * (fetch manifest.json and the weights, then decodeModel + motionModelFromLoaded).
 */
import { ACTION_UNITS, AU_COUNT } from '../core/rig.ts';
import type { LearnedMotionModel } from '../motion/learned-animator.ts';
import { type BlinkStats, LITERATURE_BLINKS } from '../motion/learned-blink.ts';
import { checkNet, inputSize, MOTION_PHASES, type MotionNet, type StartWarps, type TimeScales } from '../motion/learned-gru.ts';
import { decodeModel, encodeModel, type LoadedModel, ModelError, type ModelManifest } from './manifest.ts';

export const MOTION_MODEL_NAME = 'motion-gru';
export const MOTION_MODEL_VERSION = 1;
export const MOTION_MODEL_EXPECT = { name: MOTION_MODEL_NAME, versions: [MOTION_MODEL_VERSION] } as const;

export interface MotionArchitecture {
  kind: 'gru-rate';
  units: string[];
  dims: number;
  hidden: number;
  inputSize: number;
  dt: number;
  velocityScale: number;
  absoluteGain: number;
  tauScales: number[];
  alphaMin: number;
  /** Learned playback speed per movement phase (absent in models from before it: all 1). */
  timeScales?: TimeScales;
  /** Learned latency and ease-in (seconds) of each phase's start (absent in models from before it: none). */
  startWarps?: StartWarps;
  blinks: BlinkStats;
  [key: string]: unknown;
}

export function motionArchitecture(model: LearnedMotionModel): MotionArchitecture {
  const n = model.net;
  return {
    kind: 'gru-rate', units: [...ACTION_UNITS], dims: n.dims, hidden: n.hidden, inputSize: inputSize(n), dt: n.dt,
    velocityScale: n.velocityScale, absoluteGain: n.absoluteGain, tauScales: [...n.tauScales], alphaMin: n.alphaMin,
    ...(n.timeScales ? { timeScales: { ...n.timeScales } } : {}),
    ...(n.startWarps ? { startWarps: Object.fromEntries(MOTION_PHASES.map((p) => [p, { ...n.startWarps![p] }])) as StartWarps } : {}), blinks: { ...model.blinks },
  };
}

export function motionTensors(net: MotionNet): { name: string; shape: number[]; data: Float32Array }[] {
  const I = inputSize(net), H = net.hidden, D = net.dims;
  return [
    { name: 'gru.wx', shape: [I, 3 * H], data: net.wx }, { name: 'gru.wh', shape: [H, 3 * H], data: net.wh },
    { name: 'gru.bx', shape: [3 * H], data: net.bx }, { name: 'gru.bh', shape: [3 * H], data: net.bh },
    { name: 'rate.w', shape: [H, D], data: net.wo }, { name: 'rate.b', shape: [D], data: net.bo },
    { name: 'input.scale', shape: [D], data: net.inputScale },
  ];
}

export async function encodeMotionModel(
  model: LearnedMotionModel,
  meta: { created: string; training: ModelManifest['training']; metrics: Record<string, unknown> },
): Promise<{ manifest: ModelManifest; weights: Uint8Array }> {
  checkNet(model.net);
  return encodeModel({ name: MOTION_MODEL_NAME, version: MOTION_MODEL_VERSION, created: meta.created, architecture: motionArchitecture(model), training: meta.training, metrics: meta.metrics, weightsFile: 'motion-gru.bin' }, motionTensors(model.net));
}

const finite = (v: unknown, what: string): number => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ModelError(`the motion model's ${what} is missing or not a number`);
  return v;
};

/** The runtime model from a decoded (hash-checked) model. */
export function motionModelFromLoaded(m: LoadedModel): LearnedMotionModel {
  const a = m.manifest.architecture as Partial<MotionArchitecture>;
  if (a.kind !== 'gru-rate') throw new ModelError(`unknown motion architecture "${String(a.kind)}"`);
  const units = a.units;
  if (!Array.isArray(units) || units.length !== AU_COUNT || units.some((u, i) => u !== ACTION_UNITS[i])) {
    throw new ModelError('the motion model was trained on other action units than this rig has');
  }
  const tau = a.tauScales;
  if (!Array.isArray(tau) || tau.some((s) => typeof s !== 'number' || !(s > 0))) throw new ModelError('the motion model has bad tauScales');
  let timeScales: TimeScales | undefined;
  if (a.timeScales !== undefined) {
    const t = a.timeScales as Partial<Record<string, unknown>> | null;
    if (!t || typeof t !== 'object') throw new ModelError('the motion model has bad timeScales');
    timeScales = { onset: 1, change: 1, release: 1 };
    for (const p of MOTION_PHASES) timeScales[p] = finite(t[p], `timeScales.${p}`);
  }
  let startWarps: StartWarps | undefined;
  if (a.startWarps !== undefined) {
    const t = a.startWarps as Partial<Record<string, unknown>> | null;
    if (!t || typeof t !== 'object') throw new ModelError('the motion model has bad startWarps');
    const one = (p: string) => {
      const w = t[p] as Partial<Record<string, unknown>> | null | undefined;
      if (!w || typeof w !== 'object') throw new ModelError(`the motion model has no startWarps.${p}`);
      return { latency: finite(w.latency, `startWarps.${p}.latency`), ease: finite(w.ease, `startWarps.${p}.ease`) };
    };
    startWarps = { onset: one('onset'), change: one('change'), release: one('release') };
  }
  const b = (a.blinks ?? {}) as Partial<BlinkStats>;
  const blinks: BlinkStats = { ...LITERATURE_BLINKS };
  for (const k of Object.keys(LITERATURE_BLINKS) as (keyof BlinkStats)[]) if (b[k] !== undefined) blinks[k] = finite(b[k], `blinks.${k}`);
  const net: MotionNet = {
    dims: finite(a.dims, 'dims'), hidden: finite(a.hidden, 'hidden'), dt: finite(a.dt, 'dt'),
    velocityScale: finite(a.velocityScale, 'velocityScale'), absoluteGain: finite(a.absoluteGain, 'absoluteGain'), tauScales: tau as number[], alphaMin: finite(a.alphaMin, 'alphaMin'),
    wx: m.tensor('gru.wx'), wh: m.tensor('gru.wh'), bx: m.tensor('gru.bx'), bh: m.tensor('gru.bh'), wo: m.tensor('rate.w'), bo: m.tensor('rate.b'),
    inputScale: m.tensor('input.scale'), ...(timeScales ? { timeScales } : {}), ...(startWarps ? { startWarps } : {}),
  };
  try {
    checkNet(net);
  } catch (e) {
    throw new ModelError(e instanceof Error ? e.message : String(e));
  }
  return { net, blinks };
}

/** Decodes manifest JSON and weight bytes (from disk or a fetch) into the runtime model. */
export async function decodeMotionModel(manifestJson: unknown, weights: Uint8Array): Promise<LearnedMotionModel> {
  return motionModelFromLoaded(await decodeModel(manifestJson, weights, MOTION_MODEL_EXPECT));
}
