/**
 * The hand-written expression rig (EmoteBot's baseline): each emotion is a set of EMFACS
 * action units, each action unit a smooth displacement field over the 468 mesh vertices,
 * defined once on the canonical face (centimetres, y up, z towards the viewer, +x the
 * subject's left). A face aligned to the canonical frame moves by code · basis, so the rig
 * is linear in the action-unit activations; the caller maps the displacement back into its
 * own frame with the face's similarity transform, which scales it to that face.
 *
 * Two non-linear passes follow the linear field: blinks close each eye fully whatever its
 * opening (the lids meet on the face's own lid line), and lips or lids that the field would
 * push through each other are stopped where they meet.
 */
import { type Emotion, type EmotionWeights, EMOTIONS } from './emotions.ts';
import type { ShapeResidual } from './shape-residual.ts';
import {
  CANONICAL_POSITIONS, LANDMARK_COUNT, LEFT_EYE_LOWER, LEFT_EYE_UPPER, LIPS_INNER_LOWER, LIPS_INNER_UPPER,
  LIPS_OUTER_LOWER, LIPS_OUTER_UPPER, RIGHT_EYE_LOWER, RIGHT_EYE_UPPER,
} from './topology.ts';

export const ACTION_UNITS = [
  'AU1', 'AU2', 'AU4', 'AU5', 'AU6', 'AU7', 'AU9', 'AU10', 'AU12L', 'AU12R', 'AU14L', 'AU14R',
  'AU15', 'AU16', 'AU17', 'AU20', 'AU23', 'AU25', 'AU26',
] as const;
export type ActionUnit = (typeof ACTION_UNITS)[number];
export const AU_COUNT = ACTION_UNITS.length;

/** An expression code of the rig: one activation (0..1, may slightly exceed 1) per action unit. */
export type RigCode = Float64Array;

/**
 * EMFACS prototypes (Ekman & Friesen; Du, Tao & Martinez, PNAS 2014):
 * happiness 6+12; sadness 1+4+15; surprise 1+2+5B+26; fear 1+2+4+5+7+20+26;
 * anger 4+5+7+23; disgust 9+15+16; contempt unilateral 12+14.
 * 5B is a slight upper-lid raise. Happiness adds a light 25 (lips part in a broad smile).
 */
export const EMOTION_PROTOTYPES: Readonly<Record<Emotion, Partial<Record<ActionUnit, number>>>> = {
  neutral: {},
  happy: { AU6: 1, AU12L: 1, AU12R: 1, AU25: 0.35 },
  sad: { AU1: 1, AU4: 0.6, AU15: 1, AU17: 0.3 },
  surprised: { AU1: 1, AU2: 1, AU5: 0.5, AU25: 0.6, AU26: 0.9 },
  fearful: { AU1: 1, AU2: 0.7, AU4: 0.6, AU5: 1, AU7: 0.4, AU20: 1, AU25: 0.6, AU26: 0.45 },
  angry: { AU4: 1, AU5: 0.5, AU7: 0.8, AU23: 1 },
  disgusted: { AU9: 1, AU10: 0.5, AU15: 0.6, AU16: 0.5, AU25: 0.2 },
  contempt: { AU12L: 0.75, AU14L: 0.8 },
};

/** Rig code for a blend of emotions at an intensity (0 = neutral face, 1 = full prototype). */
export function codeFromEmotions(weights: EmotionWeights, intensity: number): RigCode {
  const code = new Float64Array(AU_COUNT);
  const k = Number.isFinite(intensity) ? Math.min(Math.max(intensity, 0), 1) : 0;
  let sum = 0;
  for (const e of EMOTIONS) if (e !== 'neutral') sum += Math.max(0, weights[e] ?? 0) || 0;
  const norm = sum > 1 ? 1 / sum : 1;
  for (const e of EMOTIONS) {
    const w = (Math.max(0, weights[e] ?? 0) || 0) * norm * k;
    if (w === 0) continue;
    const proto = EMOTION_PROTOTYPES[e];
    for (let i = 0; i < AU_COUNT; i++) code[i] = code[i]! + w * (proto[ACTION_UNITS[i]!] ?? 0);
  }
  return code;
}

// ---------------------------------------------------------------------------------------
// Displacement fields on the canonical face

const P = CANONICAL_POSITIONS;
const px = (i: number) => P[i * 3]!;
const py = (i: number) => P[i * 3 + 1]!;

function smoothstep(e0: number, e1: number, x: number): number {
  const t = Math.min(Math.max((x - e0) / (e1 - e0), 0), 1);
  return t * t * (3 - 2 * t);
}

const upperLipInner = new Set<number>(LIPS_INNER_UPPER.slice(1, -1));
const lowerLipInner = new Set<number>(LIPS_INNER_LOWER.slice(1, -1));
const upperLipOuter = new Set<number>(LIPS_OUTER_UPPER.slice(1, -1));
const lowerLipOuter = new Set<number>(LIPS_OUTER_LOWER.slice(1, -1));
const MOUTH_LINE_Y = (py(13) + py(14)) / 2;
const MOUTH_CORNER_X = Math.abs(px(308));

/** 1 for vertices that move with the lower lip and jaw, 0 for the upper lip and above. */
function lowerness(i: number): number {
  if (lowerLipInner.has(i) || lowerLipOuter.has(i)) return 1;
  if (upperLipInner.has(i) || upperLipOuter.has(i)) return 0;
  const x = Math.abs(px(i));
  const y = py(i);
  if (x <= MOUTH_CORNER_X + 0.1) {
    if (Math.abs(y - MOUTH_LINE_Y) < 0.05) return 0.5;
    return y < MOUTH_LINE_Y ? 1 : 0;
  }
  return smoothstep(MOUTH_LINE_Y + 0.4, MOUTH_LINE_Y - 1.2, y);
}

interface EyeLine { cx: number; y0: number; x0: number; y1: number; x1: number; upper: Set<number>; lower: Set<number> }
const EYES: EyeLine[] = [
  { cx: px(159), x0: px(33), y0: py(33), x1: px(133), y1: py(133), upper: new Set(RIGHT_EYE_UPPER.slice(1, -1)), lower: new Set(RIGHT_EYE_LOWER.slice(1, -1)) },
  { cx: px(386), x0: px(263), y0: py(263), x1: px(362), y1: py(362), upper: new Set(LEFT_EYE_UPPER.slice(1, -1)), lower: new Set(LEFT_EYE_LOWER.slice(1, -1)) },
];

/** +1 above the eye line (upper lid side), -1 below, 0 on the corners; for vertices near an eye. */
function eyeSide(i: number): number {
  for (const e of EYES) {
    if (e.upper.has(i)) return 1;
    if (e.lower.has(i)) return -1;
  }
  const x = px(i), y = py(i);
  const e = Math.abs(x - EYES[0]!.cx) < Math.abs(x - EYES[1]!.cx) ? EYES[0]! : EYES[1]!;
  const t = (x - e.x0) / (e.x1 - e.x0);
  const lineY = e.y0 + (e.y1 - e.y0) * Math.min(Math.max(t, 0), 1);
  return Math.max(-1, Math.min(1, (y - lineY) / 0.15));
}

interface Handle {
  /** Landmark whose canonical position is the centre, or an explicit point. */
  at: number | [number, number];
  sigma: number;
  d: [number, number, number];
  /** Extra per-vertex weight (region mask). */
  mask?: (i: number) => number;
}

const aboveEyes = (i: number) => smoothstep(0.2, 1, eyeSide(i));
const upperLid = (i: number) => smoothstep(0, 0.6, eyeSide(i));
const lowerLid = (i: number) => smoothstep(0, 0.6, -eyeSide(i));
const browZone = (i: number) => aboveEyes(i) * smoothstep(2.9, 3.8, py(i));
const upperMouth = (i: number) => 1 - lowerness(i);
const lowerMouth = (i: number) => lowerness(i);
// The jaw hinges near the ears: the chin moves fully, the lower lip nearly as much, the cheeks by the jaw line less.
const jawZone = (i: number) => lowerness(i) * (1 - smoothstep(4.2, 7.4, Math.abs(px(i)))) * (0.8 + 0.2 * smoothstep(MOUTH_LINE_Y, MOUTH_LINE_Y - 3, py(i)));

/** Mirrors a handle to the other side of the face: x of centre and displacement flipped. */
function mirror(h: Handle, left: number): Handle {
  return { ...h, at: typeof h.at === 'number' ? left : [-h.at[0], h.at[1]], d: [-h.d[0], h.d[1], h.d[2]] };
}
/** A handle on the subject's right (landmark r) and its mirror on the left (landmark l). */
function both(h: Handle, l: number): Handle[] {
  return [h, mirror(h, l)];
}

const FIELDS: Record<ActionUnit, Handle[]> = {
  AU1: [...both({ at: 107, sigma: 1.25, d: [0.12, 0.75, 0], mask: browZone }, 336),
    ...both({ at: 66, sigma: 1.0, d: [0, 0.35, 0], mask: browZone }, 296)],
  AU2: [...both({ at: 105, sigma: 1.5, d: [0, 0.55, 0], mask: browZone }, 334),
    ...both({ at: 70, sigma: 1.4, d: [0, 0.7, 0], mask: browZone }, 300)],
  AU4: [...both({ at: 107, sigma: 1.4, d: [0.35, -0.6, 0.1], mask: browZone }, 336),
    ...both({ at: 105, sigma: 1.6, d: [0.1, -0.35, 0], mask: browZone }, 334),
    ...both({ at: 159, sigma: 0.9, d: [0, -0.1, 0], mask: upperLid }, 386)],
  AU5: both({ at: 159, sigma: 0.95, d: [0, 0.3, 0.02], mask: upperLid }, 386),
  AU6: [...both({ at: 205, sigma: 1.6, d: [-0.1, 0.4, 0.15] }, 425),
    ...both({ at: 145, sigma: 0.8, d: [0, 0.2, 0], mask: lowerLid }, 374),
    ...both({ at: 33, sigma: 0.7, d: [0.05, 0.08, 0] }, 263)],
  AU7: [...both({ at: 145, sigma: 0.8, d: [0, 0.22, 0], mask: lowerLid }, 374),
    ...both({ at: 159, sigma: 0.7, d: [0, -0.1, 0], mask: upperLid }, 386)],
  AU9: [...both({ at: 129, sigma: 1.0, d: [0.05, 0.3, 0.05] }, 358),
    ...both({ at: 107, sigma: 1.2, d: [0.15, -0.3, 0], mask: browZone }, 336),
    { at: 0, sigma: 1.1, d: [0, 0.18, 0], mask: upperMouth }],
  AU10: [...both({ at: 37, sigma: 1.1, d: [0, 0.35, 0.05], mask: upperMouth }, 267),
    { at: 0, sigma: 0.9, d: [0, 0.15, 0], mask: upperMouth }],
  AU12R: [{ at: 61, sigma: 1.3, d: [-0.45, 0.55, -0.25] }, { at: [-3.3, -2.5], sigma: 1.5, d: [-0.15, 0.3, 0.1] }],
  AU12L: [{ at: 291, sigma: 1.3, d: [0.45, 0.55, -0.25] }, { at: [3.3, -2.5], sigma: 1.5, d: [0.15, 0.3, 0.1] }],
  AU14R: [{ at: 61, sigma: 0.9, d: [-0.15, 0.08, -0.3] }],
  AU14L: [{ at: 291, sigma: 0.9, d: [0.15, 0.08, -0.3] }],
  AU15: both({ at: 61, sigma: 1.1, d: [-0.05, -0.45, 0] }, 291),
  AU16: [{ at: 17, sigma: 1.2, d: [0, -0.35, 0.1], mask: lowerMouth }],
  AU17: [{ at: [0, -7.2], sigma: 1.8, d: [0, 0.35, 0.15], mask: lowerMouth }, { at: 17, sigma: 1.0, d: [0, 0.15, 0.1], mask: lowerMouth }],
  AU20: both({ at: 61, sigma: 1.2, d: [-0.55, -0.15, -0.1] }, 291),
  AU23: [...both({ at: 61, sigma: 1.0, d: [0.2, 0, 0] }, 291),
    { at: 0, sigma: 1.3, d: [0, -0.15, 0], mask: upperMouth },
    { at: 17, sigma: 1.3, d: [0, 0.15, 0], mask: lowerMouth }],
  AU25: [{ at: 14, sigma: 1.3, d: [0, -0.3, 0], mask: lowerMouth }, { at: 13, sigma: 1.2, d: [0, 0.06, 0], mask: upperMouth }],
  AU26: [{ at: [0, -5.5], sigma: 100, d: [0, -1.9, -0.4], mask: jawZone }],
};

function buildBasis(): Float64Array {
  const basis = new Float64Array(AU_COUNT * LANDMARK_COUNT * 3);
  ACTION_UNITS.forEach((au, a) => {
    for (const h of FIELDS[au]) {
      const cx = typeof h.at === 'number' ? px(h.at) : h.at[0];
      const cy = typeof h.at === 'number' ? py(h.at) : h.at[1];
      const inv = 1 / (2 * h.sigma * h.sigma);
      for (let i = 0; i < LANDMARK_COUNT; i++) {
        const d2 = (px(i) - cx) ** 2 + (py(i) - cy) ** 2;
        let w = Math.exp(-d2 * inv);
        if (w < 1e-4) continue;
        if (h.mask) w *= h.mask(i);
        const o = (a * LANDMARK_COUNT + i) * 3;
        basis[o] = basis[o]! + w * h.d[0];
        basis[o + 1] = basis[o + 1]! + w * h.d[1];
        basis[o + 2] = basis[o + 2]! + w * h.d[2];
      }
    }
  });
  return basis;
}

// ---------------------------------------------------------------------------------------
// Blink and contact constraints

interface LidPairs { upper: number[]; lower: number[] }
const LIDS: LidPairs[] = [
  { upper: RIGHT_EYE_UPPER.slice(1, -1), lower: RIGHT_EYE_LOWER.slice(1, -1) },
  { upper: LEFT_EYE_UPPER.slice(1, -1), lower: LEFT_EYE_LOWER.slice(1, -1) },
];
const LIP_PAIRS: LidPairs = { upper: LIPS_INNER_UPPER.slice(1, -1), lower: LIPS_INNER_LOWER.slice(1, -1) };

/** Where the lids meet when closed, as a fraction of the way from lower lid to upper lid. */
const LID_MEET = 0.3;

/** Skin above each upper lid that follows it when the eye closes: vertex, weight per lid point. */
interface Follower { i: number; w: number[] }
function buildLidFollowers(): Follower[][] {
  return LIDS.map((lid) => {
    const out: Follower[] = [];
    const lidSet = new Set([...lid.upper, ...lid.lower]);
    for (let i = 0; i < LANDMARK_COUNT; i++) {
      if (lidSet.has(i) || eyeSide(i) <= 0.2) continue;
      const ds = lid.upper.map((u) => (px(i) - px(u)) ** 2 + (py(i) - py(u)) ** 2);
      const dmin = Math.min(...ds);
      if (dmin > 1.6 * 1.6) continue;
      const fall = Math.exp(-dmin / (2 * 0.45 * 0.45));
      const raw = ds.map((d) => 1 / (d + 1e-3) ** 2);
      const sum = raw.reduce((a, b) => a + b, 0);
      out.push({ i, w: raw.map((r) => (r / sum) * fall * 0.85) });
    }
    return out;
  });
}

export interface ExpressionRig {
  /** AU_COUNT x 468 x 3 displacement basis in canonical centimetres. */
  readonly basis: Float64Array;
  /** Writes neutral + code · basis into out (canonical frame). Linear in code. */
  displace(neutral: ArrayLike<number>, code: ArrayLike<number>, out?: Float64Array): Float64Array;
  /**
   * The full rig: displacement, then lip and lid contact, then blinks.
   * blinkRight and blinkLeft are 0 (open) to 1 (closed) for the subject's right and left eye.
   * A rig made with a learned shape residual adds it to the displacement before the contact passes.
   */
  apply(neutral: ArrayLike<number>, code: ArrayLike<number>, blinkRight: number, blinkLeft: number, out?: Float64Array): Float64Array;
}

export interface ExpressionRigOptions {
  /**
   * The learned shape beyond the fields (core/shape-residual.ts; the learned expression model's
   * `shape`), added in `apply` only: `displace` stays the linear rig.
   */
  residual?: ShapeResidual | null;
}

export function createExpressionRig(options: ExpressionRigOptions = {}): ExpressionRig {
  const residual = options.residual ?? null;
  const basis = buildBasis();
  const followers = buildLidFollowers();
  const n3 = LANDMARK_COUNT * 3;

  function displace(neutral: ArrayLike<number>, code: ArrayLike<number>, target?: Float64Array): Float64Array {
    const out = target ?? new Float64Array(n3);
    for (let k = 0; k < n3; k++) out[k] = neutral[k]!;
    for (let a = 0; a < AU_COUNT; a++) {
      const c = code[a] ?? 0;
      if (c === 0 || !Number.isFinite(c)) continue;
      const o = a * n3;
      for (let k = 0; k < n3; k++) out[k] = out[k]! + c * basis[o + k]!;
    }
    return out;
  }

  /** Stops the lower member of each pair from passing above the upper one. */
  function contact(m: Float64Array, pairs: LidPairs, neutral: ArrayLike<number>): void {
    for (let k = 0; k < pairs.upper.length; k++) {
      const u = pairs.upper[k]!, l = pairs.lower[k]!;
      const minGap = Math.min(0, neutral[u * 3 + 1]! - neutral[l * 3 + 1]!);
      const gap = m[u * 3 + 1]! - m[l * 3 + 1]!;
      if (gap < minGap) {
        const mid = (m[u * 3 + 1]! + m[l * 3 + 1]!) / 2;
        m[u * 3 + 1] = mid + minGap / 2;
        m[l * 3 + 1] = mid - minGap / 2;
      }
    }
  }

  function blink(m: Float64Array, eye: number, amount: number): void {
    const b = Math.min(Math.max(amount, 0), 1);
    if (b === 0) return;
    const lid = LIDS[eye]!;
    const dy: number[] = [];
    for (let k = 0; k < lid.upper.length; k++) {
      const u = lid.upper[k]!, l = lid.lower[k]!;
      const uy = m[u * 3 + 1]!, ly = m[l * 3 + 1]!;
      const meet = ly + LID_MEET * Math.max(uy - ly, 0);
      const du = b * (meet - uy);
      dy.push(du);
      m[u * 3 + 1] = uy + du;
      m[l * 3 + 1] = ly + b * (meet - ly);
      m[u * 3 + 2] = m[u * 3 + 2]! + b * 0.05;
    }
    for (const f of followers[eye]!) {
      let d = 0;
      for (let k = 0; k < dy.length; k++) d += f.w[k]! * dy[k]!;
      m[f.i * 3 + 1] = m[f.i * 3 + 1]! + d;
    }
  }

  function apply(neutral: ArrayLike<number>, code: ArrayLike<number>, blinkRight: number, blinkLeft: number, out?: Float64Array): Float64Array {
    const m = displace(neutral, code, out);
    residual?.addTo(m, code);
    contact(m, LIP_PAIRS, neutral);
    for (const lid of LIDS) contact(m, lid, neutral);
    blink(m, 0, blinkRight);
    blink(m, 1, blinkLeft);
    return m;
  }

  return { basis, displace, apply };
}
