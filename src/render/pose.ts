/**
 * Turns an expression frame into the face's landmark positions: rig in the canonical frame,
 * idle head motion about a pivot in the neck, then the face's similarity transform into the
 * output image. Pure.
 */
import { eulerToMat3 } from '../core/linalg.ts';
import { applySimilarity, fitSimilarity, invertSimilarityApply, rmsDistance, type Similarity } from '../core/procrustes.ts';
import type { ExpressionRig } from '../core/rig.ts';
import { CANONICAL_POSITIONS, LANDMARK_COUNT, STABLE_POINTS } from '../core/topology.ts';
import type { FrameState } from '../motion/animator.ts';

/** Head rotation pivot in canonical centimetres (behind the chin, in the neck). */
const PIVOT: [number, number, number] = [0, -5, -6];
const FACE_HEIGHT_CM = 17.7;

export interface FittedFace {
  /** Canonical frame to image pixels (image z multiplied by depthScale). */
  similarity: Similarity;
  /**
   * Detectors report depth on their own scale (Human's mesh z is about half of x and y):
   * the factor that makes the image mesh's depth agree with the canonical face.
   */
  depthScale: number;
  /** The face in the canonical frame: its identity and its expression in the photo. */
  canonical: Float64Array;
}

/** Aligns an image-space mesh (468 x xyz) to the canonical face on points expressions barely move. */
export function fitFace(mesh: ArrayLike<number>): FittedFace {
  const scaled = new Float64Array(LANDMARK_COUNT * 3);
  const residual = (zs: number) => {
    for (let k = 0; k < scaled.length; k++) scaled[k] = k % 3 === 2 ? mesh[k]! * zs : mesh[k]!;
    const sim = fitSimilarity(CANONICAL_POSITIONS, scaled, STABLE_POINTS);
    return rmsDistance(applySimilarity(sim, CANONICAL_POSITIONS), scaled, STABLE_POINTS) / sim.scale;
  };
  // Golden-section search for the depth scale on [0.5, 4].
  let lo = 0.5, hi = 4;
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo), b = lo + g * (hi - lo);
  let fa = residual(a), fb = residual(b);
  for (let it = 0; it < 30; it++) {
    if (fa < fb) { hi = b; b = a; fb = fa; a = hi - g * (hi - lo); fa = residual(a); }
    else { lo = a; a = b; fa = fb; b = lo + g * (hi - lo); fb = residual(b); }
  }
  const depthScale = (lo + hi) / 2;
  for (let k = 0; k < scaled.length; k++) scaled[k] = k % 3 === 2 ? mesh[k]! * depthScale : mesh[k]!;
  const similarity = fitSimilarity(CANONICAL_POSITIONS, scaled, STABLE_POINTS);
  return { similarity, depthScale, canonical: invertSimilarityApply(similarity, scaled, new Float64Array(LANDMARK_COUNT * 3)) };
}

/**
 * The face an expression is drawn on, when it is not the face at rest: `canonical` (same frame as
 * FittedFace.canonical), reached in proportion to `strength(code)` (0..1) of the frame's code.
 */
export interface ApexFace {
  canonical: Float64Array;
  strength(code: ArrayLike<number>): number;
}

export class FacePoser {
  private readonly moved = new Float64Array(LANDMARK_COUNT * 3);
  private readonly image = new Float64Array(LANDMARK_COUNT * 3);
  private readonly base = new Float64Array(LANDMARK_COUNT * 3);

  /** `apex`: the face expressions are drawn on, if not `face.canonical` (see ApexFace). */
  constructor(private readonly rig: ExpressionRig, readonly face: FittedFace, private readonly apex?: ApexFace) {}

  /** Canonical-frame mesh for the frame (expression and blinks, no head motion). */
  canonicalFor(frame: FrameState): Float64Array {
    return this.rig.apply(this.baseFor(frame.code), frame.code, frame.blinkRight, frame.blinkLeft, this.moved);
  }

  /** The face the frame's expression is drawn on: the face at rest, moved towards the apex face by the code's strength. */
  private baseFor(code: ArrayLike<number>): Float64Array {
    const rest = this.face.canonical;
    const w = this.apex ? this.apex.strength(code) : 0;
    if (!(w > 0)) return rest;
    const to = this.apex!.canonical;
    for (let t = 0; t < rest.length; t++) this.base[t] = rest[t]! + w * (to[t]! - rest[t]!);
    return this.base;
  }

  /** Image-space mesh for the frame (468 x xyz; z on the canonical depth scale). */
  imageFor(frame: FrameState): Float64Array {
    const m = this.canonicalFor(frame);
    const { yaw, pitch, roll, lift } = frame.pose;
    if (yaw !== 0 || pitch !== 0 || roll !== 0 || lift !== 0) {
      const R = eulerToMat3(yaw, -pitch, -roll);
      const dy = lift * FACE_HEIGHT_CM;
      for (let i = 0; i < m.length; i += 3) {
        const x = m[i]! - PIVOT[0], y = m[i + 1]! - PIVOT[1], z = m[i + 2]! - PIVOT[2];
        m[i] = R[0] * x + R[1] * y + R[2] * z + PIVOT[0];
        m[i + 1] = R[3] * x + R[4] * y + R[5] * z + PIVOT[1] + dy;
        m[i + 2] = R[6] * x + R[7] * y + R[8] * z + PIVOT[2];
      }
    }
    return applySimilarity(this.face.similarity, m, this.image);
  }
}

/**
 * The poser of a photo's face: its mesh fitted to the canonical frame, with the photo's own
 * expression taken out first when `neutralise` is given (the learned expression space's), so
 * code 0 is this face at rest; `seen` gets the fitted face before that. With `apex`, expressions
 * are drawn on the face its `neutralise` gives, in proportion to its `strength` of the frame's
 * code (createApexNeutral in models/expression-gan.ts). Shared by every photo renderer.
 */
export function photoPoser(rig: ExpressionRig, mesh: ArrayLike<number>, neutralise?: (canonical: Float64Array) => Float64Array, seen?: (canonical: Float64Array) => void, apex?: ApexNeutraliser): FacePoser {
  const fitted = fitFace(mesh);
  // The face as the photo shows it, before neutralisation (the detail layer's rest, say).
  seen?.(fitted.canonical);
  const rest = neutralise ? { ...fitted, canonical: neutralise(fitted.canonical) } : fitted;
  return new FacePoser(rig, rest, apex ? { canonical: apex.neutralise(fitted.canonical), strength: apex.strength } : undefined);
}

/** A second neutraliser for the face expressions are drawn on, and how far a code moves towards it. */
export interface ApexNeutraliser {
  neutralise(canonical: Float64Array): Float64Array;
  strength(code: ArrayLike<number>): number;
}
