/**
 * The learned shape beyond the rig's fields: what real faces of each emotion do that no mix of
 * the action-unit fields can (the rig explains only 16-37% of the class-mean shape of fear and
 * disgust, issue 5), added to the rig's displacement in proportion to how much of each emotion
 * a code shows.
 *
 *   face = neutral + code · fields + Σ_e a_e(code) · R_e
 *
 * R_e (canonical centimetres, 468 x xyz, identity directions projected out) is learned from data
 * by `emotebot train expressions`: the mean residual of the emotion's faces (mesh minus mean
 * neutral, identity projected out, minus the fields at each face's own code) minus the same mean
 * for neutral faces. The amounts a_e ≥ 0 are read from the code against the expression model's
 * code for each emotion at intensity 1 (the same reading the detail layer does), so the residual
 * is 0 at code 0, follows onsets, releases and blends, and is R_e at an emotion's apex.
 *
 * Pure: numbers in, numbers out.
 */
import { nnlsGram } from './linalg.ts';
import { AU_COUNT } from './rig.ts';
import { LANDMARK_COUNT } from './topology.ts';

const N3 = LANDMARK_COUNT * 3;

/**
 * Reads how much of each emotion a code shows: a ≥ 0 minimising |code - Σ a_e basis_e|² (plus a
 * small ridge), by coordinate descent on the Gram matrix. `basis` holds one code (AU_COUNT) per
 * emotion slot (null: that emotion is never read, its amount stays 0).
 */
export function createAmountReader(basis: readonly (ArrayLike<number> | null)[], ridge = 1e-3): (code: ArrayLike<number>, out?: Float64Array) => Float64Array {
  const m = basis.length;
  const G = new Float64Array(m * m);
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      const x = basis[a], y = basis[b];
      let s = 0;
      if (x && y) for (let i = 0; i < AU_COUNT; i++) s += x[i]! * y[i]!;
      G[a * m + b] = s;
    }
    G[a * m + a] = G[a * m + a]! + ridge;
  }
  const h = new Float64Array(m);
  return (code, out = new Float64Array(m)) => {
    for (let a = 0; a < m; a++) {
      const x = basis[a];
      let s = 0;
      if (x) for (let i = 0; i < AU_COUNT; i++) s += x[i]! * (code[i] ?? 0);
      h[a] = Number.isFinite(s) ? s : 0;
    }
    // An emotion with no code has a zero row and column but the ridge: it stays at 0.
    return nnlsGram(G, h, m, 50, out);
  };
}

/**
 * createAmountReader with its ridge scaled to the codes' size (1e-4 of their mean squared
 * length), so a code equal to one of them reads as 1 of it (to about 0.1%) however large codes are.
 */
export function createScaledAmountReader(basis: readonly (ArrayLike<number> | null)[]): (code: ArrayLike<number>, out?: Float64Array) => Float64Array {
  let size = 0, count = 0;
  for (const c of basis) if (c) { for (let i = 0; i < AU_COUNT; i++) size += c[i]! ** 2; count++; }
  return createAmountReader(basis, 1e-4 * (count > 0 && size > 0 ? size / count : 1));
}

export interface ShapeResidual {
  /** Emotion slots (the expression model's conditions), in the order of `fields`. */
  readonly slots: number;
  /** Adds scale · Σ_e a_e(code) R_e to `into` (468 x xyz, canonical cm); returns into. */
  addTo(into: Float64Array, code: ArrayLike<number>, scale?: number): Float64Array;
  /** The amounts read from a code (clamped to maxAmount), for figures and tests. */
  amounts(code: ArrayLike<number>): Float64Array;
}

export interface ShapeResidualOptions {
  /** slots x 468 x 3: R_e per emotion slot (a row of zeros: none). */
  fields: ArrayLike<number>;
  /** Per slot: the expression model's code for that emotion at intensity 1 (null: never read). */
  apexCodes: readonly (ArrayLike<number> | null)[];
  /** Amounts are read up to this, so a strong code does not push the face beyond what data showed. Default 2 (intensity 1 reads as its apex gain, up to about 1.5, plus a sample's noise). */
  maxAmount?: number;
}

export function createShapeResidual(o: ShapeResidualOptions): ShapeResidual {
  const slots = o.apexCodes.length;
  if (o.fields.length !== slots * N3) throw new Error(`shape residual fields need ${slots} x ${N3} numbers, got ${o.fields.length}`);
  for (const c of o.apexCodes) if (c && c.length !== AU_COUNT) throw new Error(`an apex code needs ${AU_COUNT} numbers`);
  const fields = Float64Array.from(o.fields);
  const maxAmount = o.maxAmount ?? 2;
  // A slot with no field is never read (its amount would only take from the others).
  const used = o.apexCodes.map((c, k) => (c && fields.subarray(k * N3, (k + 1) * N3).some((v) => v !== 0) ? c : null));
  const read = createScaledAmountReader(used);
  const a = new Float64Array(slots);
  const amounts = (code: ArrayLike<number>): Float64Array => {
    read(code, a);
    for (let k = 0; k < slots; k++) a[k] = Math.min(a[k]!, maxAmount);
    return a;
  };
  return {
    slots,
    amounts: (code) => Float64Array.from(amounts(code)),
    addTo(into, code, scale = 1) {
      amounts(code);
      for (let k = 0; k < slots; k++) {
        const w = a[k]! * scale;
        if (w === 0) continue;
        const o = k * N3;
        for (let t = 0; t < N3; t++) into[t] = into[t]! + w * fields[o + t]!;
      }
      return into;
    },
  };
}
