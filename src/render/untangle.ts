/**
 * Untangles a 2D triangle mesh: where a face turned from the camera folds its far cheek over
 * itself in the image (a band of triangles wound the other way round), the vertices of those
 * triangles are moved, as little as it takes, until every triangle has the winding of the
 * majority and at least a small area. The fold is flattened onto its crease, so a warp that
 * moves the mesh maps each photo pixel through one triangle only, and does not draw the photo's
 * folded band mirrored over its neighbours.
 *
 * The method projects each offending triangle's signed area back to the minimum, one triangle at
 * a time (Gauss-Seidel), moving its free corners along the area's gradient; locked vertices (the
 * lip and eyelid contours, which other passes read) never move. Triangles that are not folded
 * contribute nothing, so the rest of the mesh stays exactly where it was.
 *
 * Pure: no DOM, no I/O. Coordinates are whatever the caller uses (pixels here), x then y.
 */

export interface UntangleOptions {
  /** Smallest area a triangle is given, as a share of the median triangle's area (default 0.05). */
  minAreaShare?: number;
  /** Sweeps over the triangles at most (default 400); it stops at the first sweep with nothing to fix. */
  maxSweeps?: number;
  /** Vertices that must not move. */
  locked?: ReadonlySet<number>;
}

export interface UntangleResult {
  /** The untangled positions (x, y per vertex; a new array). */
  readonly xy: Float64Array;
  /** Triangles wound against the majority before and after. */
  readonly flippedBefore: number;
  readonly flippedAfter: number;
}

/** Signed area of each triangle (positive counter-clockwise in a y-up frame, i.e. clockwise on screen). */
export function signedAreas(xy: ArrayLike<number>, triangles: ArrayLike<number>): Float64Array {
  const n = Math.floor(triangles.length / 3), out = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const a = triangles[t * 3]! * 2, b = triangles[t * 3 + 1]! * 2, c = triangles[t * 3 + 2]! * 2;
    out[t] = 0.5 * ((xy[b]! - xy[a]!) * (xy[c + 1]! - xy[a + 1]!) - (xy[c]! - xy[a]!) * (xy[b + 1]! - xy[a + 1]!));
  }
  return out;
}

/** The majority winding (+1 or -1) and how many triangles are wound the other way (zero-area ones count as flipped). */
export function windingOf(areas: ArrayLike<number>): { sign: 1 | -1; flipped: number } {
  let pos = 0, neg = 0;
  for (let i = 0; i < areas.length; i++) { const a = areas[i]!; if (a > 0) pos++; else if (a < 0) neg++; }
  const sign = pos >= neg ? 1 : -1;
  return { sign, flipped: areas.length - (sign > 0 ? pos : neg) };
}

/**
 * Untangles `xyIn` (x, y per vertex) over `triangles` (vertex indices, three per triangle) as the
 * module says; the input is not changed. A mesh with no folded triangle comes back as it was.
 */
export function untangleMesh(xyIn: ArrayLike<number>, triangles: ArrayLike<number>, options: UntangleOptions = {}): UntangleResult {
  const minShare = options.minAreaShare ?? 0.05, maxSweeps = options.maxSweeps ?? 400;
  const locked = options.locked ?? new Set<number>();
  if (triangles.length % 3 !== 0) throw new Error('untangleMesh: triangles must come in threes');
  const xy = Float64Array.from(xyIn);
  const areas = signedAreas(xy, triangles);
  const { sign: s, flipped: flippedBefore } = windingOf(areas);
  if (flippedBefore === 0) return { xy, flippedBefore, flippedAfter: 0 };
  const mags = Array.from(areas, Math.abs).sort((a, b) => a - b);
  const minArea = minShare * (mags[mags.length >> 1] ?? 0);
  const g = new Float64Array(6), w = new Float64Array(3), v = new Int32Array(3);
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let fixed = 0;
    for (let t = 0; t + 2 < triangles.length; t += 3) {
      v[0] = triangles[t]!; v[1] = triangles[t + 1]!; v[2] = triangles[t + 2]!;
      const xa = xy[v[0] * 2]!, ya = xy[v[0] * 2 + 1]!, xb = xy[v[1] * 2]!, yb = xy[v[1] * 2 + 1]!, xc = xy[v[2] * 2]!, yc = xy[v[2] * 2 + 1]!;
      const c = s * 0.5 * ((xb - xa) * (yc - ya) - (xc - xa) * (yb - ya)) - minArea;
      if (c >= 0) continue;
      // The gradient of the signed area with respect to each corner.
      g[0] = s * 0.5 * (yb - yc); g[1] = s * 0.5 * (xc - xb);
      g[2] = s * 0.5 * (yc - ya); g[3] = s * 0.5 * (xa - xc);
      g[4] = s * 0.5 * (ya - yb); g[5] = s * 0.5 * (xb - xa);
      let den = 0;
      for (let k = 0; k < 3; k++) {
        w[k] = locked.has(v[k]!) ? 0 : 1;
        den += w[k]! * (g[k * 2]! * g[k * 2]! + g[k * 2 + 1]! * g[k * 2 + 1]!);
      }
      if (!(den > 1e-12)) continue;
      fixed++;
      const lambda = -c / den;
      for (let k = 0; k < 3; k++) {
        const i = v[k]! * 2, step = lambda * w[k]!;
        xy[i] = xy[i]! + step * g[k * 2]!;
        xy[i + 1] = xy[i + 1]! + step * g[k * 2 + 1]!;
      }
    }
    if (fixed === 0) break;
  }
  const after = signedAreas(xy, triangles);
  let flippedAfter = 0;
  for (const a of after) if (!(a * s > 0)) flippedAfter++;
  return { xy, flippedBefore, flippedAfter };
}
