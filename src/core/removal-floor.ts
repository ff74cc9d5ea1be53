/**
 * How much of a photo's code the neutraliser takes out, learned from photos of the same people.
 *
 * neutraliseFace removes, per action unit, the part of a photo's code above a floor. With the mean
 * code of neutral faces as that floor, about half of all neutral photos lose something in every
 * unit: the part of their resting shape (a fuller lower lip, a deeper mouth corner) that sits above
 * the population's average, which is who they are, not what they show. People photographed more
 * than once tell the two apart. For a photo of a person with other neutral photos, the expression it
 * shows in a unit is its code above the mean of those other photos' codes (none at all when the
 * photo is itself labelled neutral). The floor per unit is the one whose removal,
 * max(0, code - floor), comes nearest that in least squares, neutral and expressive photos weighted
 * equally (the data's share of neutral photos is not a user's).
 *
 * Pure: numbers in, numbers out.
 */
import { AU_COUNT } from './rig.ts';

export interface RemovalSamples {
  /** n x AU_COUNT codes. */
  codes: ArrayLike<number>;
  /** Person per face (-1: unknown; such faces are not used). */
  person: ArrayLike<number>;
  /** Whether each face is labelled neutral. */
  neutral: (i: number) => boolean;
}

export interface RemovalTargets {
  /** Faces used (a known person with at least one other neutral face among `idx`). */
  faces: number[];
  /** faces.length x AU_COUNT: the expression each face shows per unit (0 for neutral faces). */
  target: Float64Array;
}

/**
 * Per face of `idx` whose person has another neutral face among `idx`: its code above the mean code
 * of that person's other neutral faces, per unit (0 for a face labelled neutral).
 */
export function removalTargets(s: RemovalSamples, idx: readonly number[]): RemovalTargets {
  const sums = new Map<number, { sum: Float64Array; n: number }>();
  for (const i of idx) {
    const p = s.person[i]!;
    if (p < 0 || !s.neutral(i)) continue;
    let e = sums.get(p);
    if (!e) sums.set(p, (e = { sum: new Float64Array(AU_COUNT), n: 0 }));
    for (let a = 0; a < AU_COUNT; a++) e.sum[a] = e.sum[a]! + s.codes[i * AU_COUNT + a]!;
    e.n++;
  }
  const faces: number[] = [];
  const rows: number[] = [];
  for (const i of idx) {
    const p = s.person[i]!;
    const e = p >= 0 ? sums.get(p) : undefined;
    if (!e) continue;
    const own = s.neutral(i);
    const others = e.n - (own ? 1 : 0);
    if (others < 1) continue;
    faces.push(i);
    for (let a = 0; a < AU_COUNT; a++) {
      const c = s.codes[i * AU_COUNT + a]!;
      const ref = (e.sum[a]! - (own ? c : 0)) / others;
      rows.push(own ? 0 : Math.max(0, c - ref));
    }
  }
  return { faces, target: Float64Array.from(rows) };
}

/**
 * Mean squared error of removing max(0, code - floor) in unit `a` against the targets, the neutral
 * and the expressive faces each averaged, then the two halves averaged (a half with no faces is
 * left out).
 */
export function removalLoss(s: RemovalSamples, t: RemovalTargets, a: number, floor: number, which?: 'neutral' | 'expressive'): number {
  let sn = 0, nn = 0, se = 0, ne = 0;
  t.faces.forEach((i, k) => {
    const d = (Math.max(0, s.codes[i * AU_COUNT + a]! - floor) - t.target[k * AU_COUNT + a]!) ** 2;
    if (s.neutral(i)) { sn += d; nn++; } else { se += d; ne++; }
  });
  const halves: number[] = [];
  if (nn > 0 && which !== 'expressive') halves.push(sn / nn);
  if (ne > 0 && which !== 'neutral') halves.push(se / ne);
  return halves.length ? halves.reduce((x, y) => x + y, 0) / halves.length : 0;
}

export interface RemovalFloor {
  /** AU_COUNT floors: `fallback` for the units in `keep` (never removed anyway). */
  floor: Float64Array;
  /** Faces the floor was learned from, and how many of them are neutral. */
  faces: number;
  neutralFaces: number;
}

/**
 * The floor per unit minimising removalLoss over the faces of `idx` (a grid of `step` over the
 * range of their codes in that unit). Units in `keep` take `fallback`. Throws when no face has
 * another neutral face of the same person, or when the faces are all neutral or all expressive.
 */
export function learnRemovalFloor(s: RemovalSamples, idx: readonly number[], keep: readonly number[], fallback: ArrayLike<number>, step = 0.01): RemovalFloor {
  const t = removalTargets(s, idx);
  const neutralFaces = t.faces.filter((i) => s.neutral(i)).length;
  if (neutralFaces === 0 || neutralFaces === t.faces.length) {
    throw new Error(`a removal floor needs neutral and expressive photos of people with another neutral photo (got ${neutralFaces} neutral of ${t.faces.length})`);
  }
  const floor = new Float64Array(AU_COUNT);
  for (let a = 0; a < AU_COUNT; a++) {
    if (keep.includes(a)) { floor[a] = fallback[a] ?? 0; continue; }
    let lo = Infinity, hi = -Infinity;
    for (const i of t.faces) { const c = s.codes[i * AU_COUNT + a]!; lo = Math.min(lo, c); hi = Math.max(hi, c); }
    let best = lo, bestLoss = Infinity;
    const steps = Math.ceil((hi - lo) / step);
    for (let k = 0; k <= steps; k++) {
      const f = lo + k * step;
      const l = removalLoss(s, t, a, f);
      if (l < bestLoss - 1e-12) { bestLoss = l; best = f; }
    }
    floor[a] = best;
  }
  return { floor, faces: t.faces.length, neutralFaces };
}
