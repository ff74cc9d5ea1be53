/**
 * The brow (and upper-lid) movement a tracked face mesh misses, read from the faces' textures.
 *
 * The face mesh follows the brows only part of the way: in the data, an emotion's mean texture
 * unwrapped through its tracked meshes still shows the brow band moved against the neutral mean's
 * (angry and disgusted: down at the inner and middle brow; surprised and fearful: up; sad: inner
 * up, outer down). Drawn as shading, that reads as a paler brow with a dark band beside it, not
 * as a brow that moved. Here, per column of the texture map across the brows, the vertical shift
 * of the neutral mean texture that best explains an emotion's detail (its texture minus the
 * neutral mean) in the brow band; then the mesh displacement that moves the brow band by it.
 *
 * The upper lids are read the same way in their own band (UPPER_LID_BAND): the meshes follow a
 * widened eye only part of the way too (surprised faces' texture shows the white above the iris
 * and the lash line moved up where the mesh's lid stayed).
 *
 * Texture maps are size x size, row-major, v down, in the canonical face's UV layout (texel
 * [j][i] centred at u = (i + 0.5) / size, v = (j + 0.5) / size). Shifts are in texels of that
 * map, positive down the face. Displacements are canonical centimetres, y up.
 *
 * Pure: numbers in, numbers out.
 */

/** Where a shift is read and the mesh moves, as fractions of the map (v down). */
export interface ShiftBand {
  /** Rows read: v from readTop to readBottom (the rows floor(readTop x size) to floor(readBottom x size) - 1). */
  readonly readTop: number; readonly readBottom: number;
  /** Columns read on the image-left side (the other side is their mirror), from colFrom to colTo. */
  readonly colFrom: number; readonly colTo: number;
  /** Mesh weight along v: 1 from fullTop to fullBottom, fading to 0 at fadeTop (above) and fadeBottom (below). */
  readonly fadeTop: number; readonly fullTop: number; readonly fullBottom: number; readonly fadeBottom: number;
  /**
   * How the profile ends: "inner" (brows) halves the outer column and the one next to the inner
   * column, and zeroes the inner column itself (nothing moves between the brows); "both" (lids)
   * halves both end columns (the eye's corners, outside the columns, stay put).
   */
  readonly taper: 'inner' | 'both';
  /**
   * Columns (image-left side, from, to: the columns round(from x size) to round(to x size) - 1,
   * and their mirrors) where the shift is not read but bridged linearly from the columns either
   * side. The lids: over the iris, a raised lid uncovers the white of the eye, which the neutral
   * mean moved up (its dark iris) does not hold, so the reading there is not a shift.
   */
  readonly bridge?: { readonly from: number; readonly to: number };
}

/** The brows: read from the forehead just above them to just above the eye openings; the mesh moves from the forehead to the upper lid's crease. */
export const BROW_BAND: ShiftBand = {
  readTop: 10 / 64, readBottom: 21 / 64,
  /** Outermost to innermost brow column. */
  colFrom: 13 / 64, colTo: 31 / 64,
  fadeTop: 7 / 64, fullTop: 12 / 64, fullBottom: 18.5 / 64, fadeBottom: 21.5 / 64,
  taper: 'inner',
};

/**
 * The upper lids (canonical UVs at 128 texels: the image-left eye's corners 33 and 133 at u 35.9
 * and 53.6, its upper lid 159 at v 45.5, its lower lid 145 at v 51.3): read from just under the
 * brow band's lower fade to the middle of the opening, across the eye between its corners; the
 * mesh moves fully along the upper lid (down to its lowest point, 173 at v 47.9), fading to
 * nothing just below (the lower lid's highest point off the corners, 7, is at v 48.7) and up
 * towards the brow. Meant for a full-resolution map (128 texels): the opening is 6 texels tall.
 */
export const UPPER_LID_BAND: ShiftBand = {
  readTop: 41 / 128, readBottom: 49 / 128,
  colFrom: 37 / 128, colTo: 54 / 128,
  fadeTop: 38 / 128, fullTop: 43 / 128, fullBottom: 47.95 / 128, fadeBottom: 48.6 / 128,
  taper: 'both',
  /** The iris: centred under 159 (u 44.0), radius 0.2 eye widths (3.5 texels). */
  bridge: { from: 41 / 128, to: 47 / 128 },
};

export interface BrowShiftOptions {
  /** Largest shift tried, texels (default 3). */
  maxShift?: number;
  /** Step of the search, texels (default 0.05). */
  step?: number;
  /** Mask weight a texel needs to be read (default 0.9): the detail is read where it is not faded out. */
  minMask?: number;
  /** Where to read (default BROW_BAND). */
  band?: ShiftBand;
}

/** Linear interpolation down column u of a size x size map at fractional row y (clamped to the map). */
function sampleColumn(map: ArrayLike<number>, size: number, u: number, y: number): number {
  const a = Math.max(0, Math.min(size - 2, Math.floor(y)));
  const w = Math.max(0, Math.min(1, y - a));
  return map[a * size + u]! * (1 - w) + map[(a + 1) * size + u]! * w;
}

/** The band's columns of one side at this map size: [first, last] (image-left side; the brows' outermost to innermost). */
export function browColumns(size: number, band: ShiftBand = BROW_BAND): [number, number] {
  return [Math.round(band.colFrom * size), Math.round(band.colTo * size) - 1];
}

/**
 * Per column of the map, the shift s (texels, + down) for which the neutral mean moved by s,
 * N(v - s) - N(v), plus a constant, comes nearest in least squares to `detail` over the band's
 * rows (o.band, default the brows'; only texels where mask >= minMask; the detail is divided by
 * its mask there). Columns outside the band's are 0. The profile is then smoothed along u (5
 * columns), made mirror-symmetric (an average over many faces has no side; this halves the noise)
 * and tapered at its ends (ShiftBand.taper).
 */
export function browShiftProfile(detail: ArrayLike<number>, neutral: ArrayLike<number>, mask: ArrayLike<number>, size: number, o: BrowShiftOptions = {}): Float64Array {
  const texels = size * size;
  if (detail.length !== texels || neutral.length !== texels || mask.length !== texels) throw new Error(`browShiftProfile: maps of ${texels} texels expected`);
  const maxShift = o.maxShift ?? 3, step = o.step ?? 0.05, minMask = o.minMask ?? 0.9, band = o.band ?? BROW_BAND;
  const top = Math.floor(band.readTop * size), bottom = Math.floor(band.readBottom * size) - 1;
  const [c0, c1] = browColumns(size, band);
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
  if (band.bridge) {
    const b0 = Math.round(band.bridge.from * size), b1 = Math.round(band.bridge.to * size) - 1;
    if (b0 - 1 < c0 || b1 + 1 > c1) throw new Error('browShiftProfile: a band\'s bridge must lie inside its columns');
    for (let u = b0; u <= b1; u++) {
      const f = (u - (b0 - 1)) / (b1 + 1 - (b0 - 1));
      raw[u] = raw[b0 - 1]! * (1 - f) + raw[b1 + 1]! * f;
      const m = size - 1 - u, ma = size - 1 - (b0 - 1), mb = size - 1 - (b1 + 1);
      raw[m] = raw[ma]! * (1 - f) + raw[mb]! * f;
    }
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
  if (band.taper === 'both') {
    // Taper: half at both ends.
    for (const u of [c0, size - 1 - c0, c1, size - 1 - c1]) out[u] = out[u]! * 0.5;
    return out;
  }
  // Taper: half at the outer ends and one in from the inner ends, nothing at the inner ends themselves.
  for (const u of [c0, size - 1 - c0, c1 - 1, size - c1]) out[u] = out[u]! * 0.5;
  out[c1] = 0;
  out[size - 1 - c1] = 0;
  return out;
}

/** Weight of the mesh's move at texture coordinate v (0..1, v down): 1 across the band, fading out above and below. */
export function browBandWeight(v: number, band: ShiftBand = BROW_BAND): number {
  const b = band;
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
 * band (default the brows') by the profile's shift at its u (interpolated between columns),
 * weighted by browBandWeight at its v: a shift of s texels down the map moves a point by s / size x cmPerV.
 */
export function browShiftField(profile: ArrayLike<number>, size: number, uvs: ArrayLike<number>, cmPerV: number, band: ShiftBand = BROW_BAND): Float64Array {
  if (profile.length !== size) throw new Error(`browShiftField: a profile of ${size} columns expected`);
  const points = uvs.length / 2;
  const out = new Float64Array(points * 3);
  for (let i = 0; i < points; i++) {
    const w = browBandWeight(uvs[i * 2 + 1]!, band);
    if (w === 0) continue;
    const x = uvs[i * 2]! * size - 0.5;
    const a = Math.max(0, Math.min(size - 1, Math.floor(x))), b = Math.max(0, Math.min(size - 1, Math.floor(x) + 1));
    const f = Math.max(0, Math.min(1, x - Math.floor(x)));
    const s = profile[a]! * (1 - f) + profile[b]! * f;
    out[i * 3 + 1] = (s / size) * cmPerV * w;
  }
  return out;
}

/**
 * A shift profile read on a map of `from` texels, as it stands on a map of `to` texels: each
 * column of the new map takes the mean of the old columns it covers, and the shifts are rescaled
 * to the new map's texels (the lids are read at 128 texels; the detail is 64 texels).
 */
export function resampleProfile(profile: ArrayLike<number>, from: number, to: number): Float64Array {
  if (profile.length !== from) throw new Error(`resampleProfile: a profile of ${from} columns expected, got ${profile.length}`);
  if (!(from > 0 && to > 0 && (from % to === 0 || to % from === 0))) throw new Error(`resampleProfile: map sizes ${from} and ${to} must divide one another`);
  const out = new Float64Array(to);
  for (let u = 0; u < to; u++) {
    const a = Math.floor((u * from) / to), b = Math.max(a + 1, Math.floor(((u + 1) * from) / to));
    let sum = 0;
    for (let k = a; k < b; k++) sum += profile[k]!;
    out[u] = (sum / (b - a)) * (to / from);
  }
  return out;
}

/**
 * Re-registers one face's texture map (size x size, row-major, v down) to a mesh that moves the
 * band by `amount` x the profile: the texture a tracked mesh unwrapped, which shows the band moved
 * by s where the mesh stayed (N(v - s)), is read at v + s so that it shows the band where the
 * moved mesh puts it. s at a texel is amount x profile[u] x browBandWeight(v) (the weight the mesh
 * move has there). In place; a texel is left as it was when it, or a texel it would read from, is
 * not covered (cover[t] === 0). Columns whose profile is 0 are untouched.
 */
export function unshiftMap(map: Float32Array, cover: Uint8Array | null, size: number, profile: ArrayLike<number>, amount: number, band: ShiftBand = BROW_BAND): void {
  if (map.length !== size * size || (cover && cover.length !== size * size)) throw new Error(`unshiftMap: maps of ${size * size} texels expected`);
  if (profile.length !== size) throw new Error(`unshiftMap: a profile of ${size} columns expected`);
  if (!Number.isFinite(amount)) throw new Error('unshiftMap: the amount must be a finite number');
  const column = new Float32Array(size);
  const covered = (v: number, u: number) => !cover || cover[v * size + u] !== 0;
  for (let u = 0; u < size; u++) {
    const s = profile[u]! * amount;
    if (s === 0) continue;
    for (let v = 0; v < size; v++) column[v] = map[v * size + u]!;
    for (let v = 0; v < size; v++) {
      const w = browBandWeight((v + 0.5) / size, band);
      if (w === 0 || !covered(v, u)) continue;
      const y = Math.max(0, Math.min(size - 1, v + s * w));
      const a = Math.min(size - 2, Math.floor(y)), f = y - a;
      if ((f < 1 && !covered(a, u)) || (f > 0 && !covered(a + 1, u))) continue;
      map[v * size + u] = column[a]! * (1 - f) + column[a + 1]! * f;
    }
  }
}
