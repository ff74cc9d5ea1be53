/**
 * The brow movement a tracked face mesh misses, read from the faces' textures.
 *
 * The face mesh follows the brows only part of the way: in the data, an emotion's mean texture
 * unwrapped through its tracked meshes still shows the brow band moved against the neutral mean's
 * (angry and disgusted: down at the inner and middle brow; surprised and fearful: up; sad: inner
 * up, outer down). Drawn as shading, that reads as a paler brow with a dark band beside it, not
 * as a brow that moved. Here, per column of the texture map across the brows, the vertical shift
 * of the neutral mean texture that best explains an emotion's detail (its texture minus the
 * neutral mean) in the brow band; then the mesh displacement that moves the brow band by it.
 *
 * Texture maps are size x size, row-major, v down, in the canonical face's UV layout (texel
 * [j][i] centred at u = (i + 0.5) / size, v = (j + 0.5) / size). Shifts are in texels of that
 * map, positive down the face. Displacements are canonical centimetres, y up.
 *
 * Pure: numbers in, numbers out.
 */

/** Where the shift is read and the mesh moves, as fractions of the map (v down). */
export const BROW_BAND = {
  /** Rows read: from the forehead just above the brows to just above the eye openings. */
  readTop: 10 / 64, readBottom: 21 / 64,
  /** Columns across each brow (the image-left brow; the other is its mirror), outermost to innermost. */
  colFrom: 13 / 64, colTo: 31 / 64,
  /** Mesh weight along v: 1 from fullTop to fullBottom, fading to 0 at fadeTop (forehead) and fadeBottom (upper lid). */
  fadeTop: 7 / 64, fullTop: 12 / 64, fullBottom: 18.5 / 64, fadeBottom: 21.5 / 64,
} as const;

export interface BrowShiftOptions {
  /** Largest shift tried, texels (default 3). */
  maxShift?: number;
  /** Step of the search, texels (default 0.05). */
  step?: number;
  /** Mask weight a texel needs to be read (default 0.9): the detail is read where it is not faded out. */
  minMask?: number;
}

/** Linear interpolation down column u of a size x size map at fractional row y (clamped to the map). */
function sampleColumn(map: ArrayLike<number>, size: number, u: number, y: number): number {
  const a = Math.max(0, Math.min(size - 2, Math.floor(y)));
  const w = Math.max(0, Math.min(1, y - a));
  return map[a * size + u]! * (1 - w) + map[(a + 1) * size + u]! * w;
}

/** The brow columns of one side at this map size: [first, last] (image-left brow). */
export function browColumns(size: number): [number, number] {
  return [Math.round(BROW_BAND.colFrom * size), Math.round(BROW_BAND.colTo * size) - 1];
}

/**
 * Per column of the map, the shift s (texels, + down) for which the neutral mean moved by s,
 * N(v - s) - N(v), plus a constant, comes nearest in least squares to `detail` over the brow band
 * rows (only texels where mask >= minMask; the detail is divided by its mask there). Columns
 * outside the brows are 0. The profile is then smoothed along u (5 columns), made mirror-symmetric
 * (an average over many faces has no side; this halves the noise) and tapered to 0 at the brows'
 * ends and between them.
 */
export function browShiftProfile(detail: ArrayLike<number>, neutral: ArrayLike<number>, mask: ArrayLike<number>, size: number, o: BrowShiftOptions = {}): Float64Array {
  const texels = size * size;
  if (detail.length !== texels || neutral.length !== texels || mask.length !== texels) throw new Error(`browShiftProfile: maps of ${texels} texels expected`);
  const maxShift = o.maxShift ?? 3, step = o.step ?? 0.05, minMask = o.minMask ?? 0.9;
  const top = Math.floor(BROW_BAND.readTop * size), bottom = Math.floor(BROW_BAND.readBottom * size) - 1;
  const [c0, c1] = browColumns(size);
  const columns: number[] = [];
  for (let u = c0; u <= c1; u++) columns.push(u, size - 1 - u);
  const raw = new Float64Array(size);
  const d: number[] = [];
  const steps = Math.round(maxShift / step);
  for (const u of columns) {
    let best = 0, bestErr = Infinity;
    for (let k = -steps; k <= steps; k++) {
      const s = k * step;
      d.length = 0;
      for (let v = top; v <= bottom; v++) {
        const m = mask[v * size + u]!;
        if (m < minMask) continue;
        d.push(detail[v * size + u]! / m - (sampleColumn(neutral, size, u, v - s) - neutral[v * size + u]!));
      }
      if (d.length < 5) break; // too little of the band under the mask in this column: no shift read
      let mean = 0;
      for (const x of d) mean += x;
      mean /= d.length;
      let err = 0;
      for (const x of d) err += (x - mean) ** 2;
      // Ties go to the smaller shift (a flat band explains any shift equally well: read none).
      if (err < bestErr - 1e-12 || (Math.abs(err - bestErr) <= 1e-12 && Math.abs(s) < Math.abs(best))) { bestErr = err; best = s; }
    }
    raw[u] = best;
  }
  const inBrow = (u: number) => (u >= c0 && u <= c1) || (u >= size - 1 - c1 && u <= size - 1 - c0);
  const smooth = new Float64Array(size);
  for (let u = 0; u < size; u++) {
    if (!inBrow(u)) continue;
    let sum = 0, n = 0;
    for (let k = -2; k <= 2; k++) if (inBrow(u + k) && (u + k < size / 2) === (u < size / 2)) { sum += raw[u + k]!; n++; }
    smooth[u] = sum / n;
  }
  const out = new Float64Array(size);
  for (let u = 0; u < size; u++) if (inBrow(u)) out[u] = (smooth[u]! + smooth[size - 1 - u]!) / 2;
  // Taper: half at the outer ends and one in from the inner ends, nothing at the inner ends themselves.
  for (const u of [c0, size - 1 - c0, c1 - 1, size - c1]) out[u] = out[u]! * 0.5;
  out[c1] = 0;
  out[size - 1 - c1] = 0;
  return out;
}

/** Weight of the mesh's move at texture coordinate v (0..1, v down): 1 across the brow band, fading out above and below. */
export function browBandWeight(v: number): number {
  const b = BROW_BAND;
  if (v >= b.fullTop && v <= b.fullBottom) return 1;
  if (v > b.fullBottom) return Math.max(0, 1 - (v - b.fullBottom) / (b.fadeBottom - b.fullBottom));
  return Math.max(0, 1 - (b.fullTop - v) / (b.fullTop - b.fadeTop));
}

/**
 * Centimetres of canonical y per unit of texture v across the upper face (v 0.1 to 0.45): the
 * least-squares slope of y on v over the canonical points there. Negative: v runs down, y up.
 */
export function canonicalCmPerV(uvs: ArrayLike<number>, positions: ArrayLike<number>): number {
  let sv = 0, sy = 0, svv = 0, svy = 0, n = 0;
  const points = Math.min(uvs.length / 2, positions.length / 3);
  for (let i = 0; i < points; i++) {
    const v = uvs[i * 2 + 1]!, y = positions[i * 3 + 1]!;
    if (v < 0.1 || v > 0.45) continue;
    sv += v; sy += y; svv += v * v; svy += v * y; n++;
  }
  if (n < 2) throw new Error('canonicalCmPerV: too few points on the upper face');
  return (svy - (sv * sy) / n) / (svv - (sv * sv) / n);
}

/**
 * The mesh displacement (points x 3, canonical cm, only y non-zero) that moves each point of the
 * brow band by the profile's shift at its u (interpolated between columns), weighted by
 * browBandWeight at its v: a shift of s texels down the map moves a point by s / size x cmPerV.
 */
export function browShiftField(profile: ArrayLike<number>, size: number, uvs: ArrayLike<number>, cmPerV: number): Float64Array {
  if (profile.length !== size) throw new Error(`browShiftField: a profile of ${size} columns expected`);
  const points = uvs.length / 2;
  const out = new Float64Array(points * 3);
  for (let i = 0; i < points; i++) {
    const w = browBandWeight(uvs[i * 2 + 1]!);
    if (w === 0) continue;
    const x = uvs[i * 2]! * size - 0.5;
    const a = Math.max(0, Math.min(size - 1, Math.floor(x))), b = Math.max(0, Math.min(size - 1, Math.floor(x) + 1));
    const f = Math.max(0, Math.min(1, x - Math.floor(x)));
    const s = profile[a]! * (1 - f) + profile[b]! * f;
    out[i * 3 + 1] = (s / size) * cmPerV * w;
  }
  return out;
}
