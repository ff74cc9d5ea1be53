/**
 * Reading an expression code off a real face: the rig's action-unit activations that best
 * explain an aligned mesh's departure from a reference face, by non-negative least squares.
 *
 *   aligned ≈ reference + identity · a + basis · b,   b ≥ 0 (action units only contract),
 *
 * where `identity` is an optional orthonormal basis of identity variation (for faces whose own
 * neutral is unknown: the reference is then a population mean and `a` is free), and `basis`
 * is the rig's AU_COUNT displacement fields. Points can be weighted (0 ignores a point).
 * Pure: numbers in, numbers out. All meshes are 468 x xyz in the canonical frame (cm).
 */
import { nnlsGram } from './linalg.ts';
import { AU_COUNT } from './rig.ts';
import { LANDMARK_COUNT } from './topology.ts';

export interface ExpressionFitter {
  /**
   * The code b (AU_COUNT activations, ≥ 0) for an aligned mesh; `reference` defaults to the
   * fitter's reference. Also returns the RMS residual distance per point in centimetres (weighted).
   */
  fit(aligned: ArrayLike<number>, reference?: ArrayLike<number>, out?: Float64Array): { code: Float64Array; rms: number };
}

export interface ExpressionFitOptions {
  /** AU_COUNT x 468 x 3 displacement fields (ExpressionRig.basis). */
  basis: ArrayLike<number>;
  /** Reference face (468 x xyz); required unless every fit passes its own. */
  reference?: ArrayLike<number>;
  /** Orthonormal identity directions, k x 468 x 3, projected out before fitting. */
  identity?: { vectors: ArrayLike<number>; count: number };
  /** Weight per landmark (468), default 1. */
  weights?: ArrayLike<number>;
  /** Ridge on b, in cm² (keeps rarely seen units near 0 when the data cannot tell them apart). Default 1e-4. */
  ridge?: number;
  /** Coordinate-descent sweeps (default 60). */
  sweeps?: number;
}

const N3 = LANDMARK_COUNT * 3;

export function createExpressionFitter(o: ExpressionFitOptions): ExpressionFitter {
  if (o.basis.length !== AU_COUNT * N3) throw new Error(`basis needs ${AU_COUNT} x ${N3} numbers`);
  const w = new Float64Array(N3);
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    const wi = o.weights ? o.weights[i]! : 1;
    w[i * 3] = wi; w[i * 3 + 1] = wi; w[i * 3 + 2] = wi;
  }
  const k = o.identity?.count ?? 0;
  const idv = o.identity?.vectors;
  /** Removes the identity directions from v (in place), in the weighted inner product. */
  const project = (v: Float64Array): void => {
    for (let j = 0; j < k; j++) {
      let dot = 0;
      for (let t = 0; t < N3; t++) dot += idv![j * N3 + t]! * v[t]! * w[t]!;
      for (let t = 0; t < N3; t++) v[t] = v[t]! - dot * idv![j * N3 + t]!;
    }
  };
  // Projected fields and their Gram matrix.
  const F = new Float64Array(AU_COUNT * N3);
  for (let a = 0; a < AU_COUNT; a++) {
    const col = F.subarray(a * N3, (a + 1) * N3);
    for (let t = 0; t < N3; t++) col[t] = o.basis[a * N3 + t]!;
    project(col);
  }
  const ridge = o.ridge ?? 1e-4;
  const G = new Float64Array(AU_COUNT * AU_COUNT);
  for (let a = 0; a < AU_COUNT; a++) {
    for (let b = a; b < AU_COUNT; b++) {
      let s = 0;
      for (let t = 0; t < N3; t++) s += F[a * N3 + t]! * F[b * N3 + t]! * w[t]!;
      G[a * AU_COUNT + b] = s;
      G[b * AU_COUNT + a] = s;
    }
    G[a * AU_COUNT + a] = G[a * AU_COUNT + a]! + ridge;
  }
  const sweeps = o.sweeps ?? 60;
  const d = new Float64Array(N3);
  const h = new Float64Array(AU_COUNT);

  return {
    fit(aligned, reference = o.reference, out = new Float64Array(AU_COUNT)) {
      if (!reference) throw new Error('no reference face to fit against');
      for (let t = 0; t < N3; t++) d[t] = aligned[t]! - reference[t]!;
      project(d);
      for (let a = 0; a < AU_COUNT; a++) {
        let s = 0;
        for (let t = 0; t < N3; t++) s += F[a * N3 + t]! * d[t]! * w[t]!;
        h[a] = s;
      }
      // Non-negative least squares by cyclic coordinate descent on 1/2 b'Gb - h'b.
      nnlsGram(G, h, AU_COUNT, sweeps, out);
      // Residual over weighted points.
      let sum = 0, wsum = 0;
      for (let t = 0; t < N3; t++) {
        let r = d[t]!;
        for (let a = 0; a < AU_COUNT; a++) r -= F[a * N3 + t]! * out[a]!;
        sum += r * r * w[t]!;
        wsum += w[t]!;
      }
      // Per-point RMS distance: wsum counts each point three times (x, y, z).
      return { code: out, rms: Math.sqrt(sum / Math.max(wsum / 3, 1e-12)) };
    },
  };
}
