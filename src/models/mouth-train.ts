/**
 * Training the mouth interior (pure: no I/O; the command in mouth-commands.ts reads the photos).
 * A learned baseline from data, not a generator: for each openness bin, the mean over real
 * open mouths of each grid cell's colour relative to the face's own skin.
 *
 * Lighting: a sample's luminance is divided by the skin's (the ratio carries the photo's
 * exposure out), and its chroma is read against the skin's chroma. Luminance comes from every
 * face; chroma only from colour photos (most muxspace photos are grey: their chroma would pull
 * every interior towards the skin's hue), pooled over all bins where a bin has few colour faces.
 * The table holds lum ratio x chroma ratio per channel, so table x skin RGB is the colour.
 *
 * Split: each face's identity goes to `val` with probability valShare (seeded hash); the
 * table is learned from the rest and measured on val against the procedural interior.
 */
import { subSeed } from '../core/rng.ts';
import { mouthInteriorColour } from '../render/geometry.ts';
import { chromaWeight, interiorColour, type MouthTable } from '../render/mouth-interior.ts';

export interface MouthFace {
  /** Identity (faces of one person share a split). */
  identity: string;
  /** Lip gap over mouth width. */
  openness: number;
  /** Skin colour, RGB 0..255. */
  skin: readonly [number, number, number];
  /** rows x cols x RGB 0..255, between the inner lips. */
  samples: Float32Array;
  /** A colour photo (not grey). */
  colour: boolean;
}

export interface MouthTrainOptions {
  cols: number;
  rows: number;
  /** Bin edges in openness: bin b holds faces with edges[b] <= openness < edges[b + 1]. */
  edges: readonly number[];
  seed: number;
  valShare: number;
  /** Fewest colour faces for a bin to keep its own chroma (else the pooled chroma). */
  minColourFaces: number;
}

export const DEFAULT_MOUTH_TRAIN: Omit<MouthTrainOptions, 'seed'> = { cols: 32, rows: 16, edges: [0.08, 0.15, 0.25, 0.35, 1.0], valShare: 0.1, minColourFaces: 40 };

export interface BinCounts { faces: number; colourFaces: number; val: number; valColour: number; chroma: 'own' | 'pooled' }

export interface MouthTraining {
  table: MouthTable;
  bins: BinCounts[];
  /** Faces outside every bin (too open). */
  outside: number;
  /** Mean skin colour of the fit part's colour faces (for pictures). */
  referenceSkin: [number, number, number];
  metrics: MouthMetrics;
}

export interface MouthMetrics {
  /** Held-out faces measured, and per method the mean absolute error (RGB 0..255, all channels and cells). */
  valFaces: number;
  learnedMae: number;
  proceduralMae: number;
  /** The same per openness bin. */
  perBin: { bin: number; faces: number; learnedMae: number; proceduralMae: number }[];
}

const luma = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b;
const MAX_RATIO = 4;

export function isVal(identity: string, seed: number, share: number): boolean {
  return subSeed(seed, `mouth-split/${identity}`) / 4294967296 < share;
}

export function binOf(edges: readonly number[], openness: number): number {
  for (let b = 0; b + 1 < edges.length; b++) if (openness >= edges[b]! && openness < edges[b + 1]!) return b;
  return -1;
}

/** The procedural interior of geometry.ts on the grid cell (u, v) of a mouth `openness` open. */
export function proceduralAt(v: number, openness: number, out: [number, number, number]): [number, number, number] {
  return mouthInteriorColour(v * openness, (1 - v) * openness, out);
}

export function trainMouth(faces: readonly MouthFace[], o: MouthTrainOptions): MouthTraining {
  const { cols, rows, edges } = o;
  const bins = edges.length - 1, cells = cols * rows;
  const lumSum = Array.from({ length: bins }, () => new Float64Array(cells));
  const chromaNum = Array.from({ length: bins }, () => new Float64Array(cells * 3));
  const chromaDen = Array.from({ length: bins }, () => new Float64Array(cells));
  const openSum = new Float64Array(bins);
  const counts: BinCounts[] = Array.from({ length: bins }, () => ({ faces: 0, colourFaces: 0, val: 0, valColour: 0, chroma: 'own' as const }));
  const skinRef = [0, 0, 0];
  let skinN = 0, outside = 0;
  const val: MouthFace[] = [];
  for (const f of faces) {
    const b = binOf(edges, f.openness);
    if (b < 0) { outside++; continue; }
    if (isVal(f.identity, o.seed, o.valShare)) { val.push(f); counts[b]!.val++; if (f.colour) counts[b]!.valColour++; continue; }
    const c = counts[b]!;
    c.faces++;
    openSum[b] = openSum[b]! + f.openness;
    const [sr, sg, sb] = f.skin;
    const sl = luma(sr, sg, sb);
    const ls = lumSum[b]!;
    for (let i = 0; i < cells; i++) {
      const r = f.samples[i * 3]!, g = f.samples[i * 3 + 1]!, bl = f.samples[i * 3 + 2]!;
      ls[i] = ls[i]! + Math.min(luma(r, g, bl) / sl, MAX_RATIO);
    }
    if (f.colour) {
      c.colourFaces++;
      skinRef[0]! += sr; skinRef[1]! += sg; skinRef[2]! += sb; skinN++;
      const cn = chromaNum[b]!, cd = chromaDen[b]!;
      for (let i = 0; i < cells; i++) {
        const r = f.samples[i * 3]!, g = f.samples[i * 3 + 1]!, bl = f.samples[i * 3 + 2]!;
        cn[i * 3] = cn[i * 3]! + Math.min(r / sr, MAX_RATIO);
        cn[i * 3 + 1] = cn[i * 3 + 1]! + Math.min(g / sg, MAX_RATIO);
        cn[i * 3 + 2] = cn[i * 3 + 2]! + Math.min(bl / sb, MAX_RATIO);
        cd[i] = cd[i]! + Math.min(luma(r, g, bl) / sl, MAX_RATIO);
      }
    }
  }
  // Pooled chroma over every bin, for bins with few colour faces.
  const poolNum = new Float64Array(cells * 3), poolDen = new Float64Array(cells);
  for (let b = 0; b < bins; b++) for (let i = 0; i < cells; i++) {
    poolDen[i] = poolDen[i]! + chromaDen[b]![i]!;
    for (let c = 0; c < 3; c++) poolNum[i * 3 + c] = poolNum[i * 3 + c]! + chromaNum[b]![i * 3 + c]!;
  }
  const used: number[] = [];
  const rgb: number[] = [], centres: number[] = [];
  for (let b = 0; b < bins; b++) {
    const c = counts[b]!;
    if (c.faces === 0) continue;
    used.push(b);
    centres.push(openSum[b]! / c.faces);
    const own = c.colourFaces >= o.minColourFaces;
    c.chroma = own ? 'own' : 'pooled';
    const num = own ? chromaNum[b]! : poolNum, den = own ? chromaDen[b]! : poolDen;
    for (let i = 0; i < cells; i++) {
      const lum = lumSum[b]![i]! / c.faces;
      for (let ch = 0; ch < 3; ch++) {
        // No colour face at all: grey relative to the skin (the skin's own hue).
        const chroma = den[i]! > 1e-9 ? num[i * 3 + ch]! / den[i]! : 1;
        rgb.push(lum * chroma);
      }
    }
  }
  if (used.length === 0) throw new Error('no open mouths to learn from');
  // Bin centres must increase strictly (a bin's mean openness lies within its edges, so they do).
  const table: MouthTable = { cols, rows, bins: used.length, openness: Float32Array.from(centres), rgb: Float32Array.from(rgb) };
  const referenceSkin: [number, number, number] = skinN > 0 ? [skinRef[0]! / skinN, skinRef[1]! / skinN, skinRef[2]! / skinN] : [190, 150, 130];
  return { table, bins: counts, outside, referenceSkin, metrics: measure(table, val, edges, cols, rows) };
}

/** Held-out error of the learned interior (table x the face's skin) and of the procedural one. */
export function measure(table: MouthTable, val: readonly MouthFace[], edges: readonly number[], cols: number, rows: number): MouthMetrics {
  const bins = edges.length - 1;
  const perBin = Array.from({ length: bins }, (_, bin) => ({ bin, faces: 0, learnedMae: 0, proceduralMae: 0 }));
  let l = 0, p = 0, n = 0;
  const a: [number, number, number] = [0, 0, 0], q: [number, number, number] = [0, 0, 0];
  for (const f of val) {
    const b = binOf(edges, f.openness);
    if (b < 0) continue;
    let fl = 0, fp = 0;
    for (let j = 0; j < rows; j++) for (let i = 0; i < cols; i++) {
      const u = (i + 0.5) / cols, v = (j + 0.5) / rows;
      interiorColour(table, u, v, f.openness, f.skin, chromaWeight(f.skin), a);
      proceduralAt(v, f.openness, q);
      for (let c = 0; c < 3; c++) {
        const real = f.samples[(j * cols + i) * 3 + c]!;
        fl += Math.abs(a[c]! - real);
        fp += Math.abs(q[c]! - real);
      }
    }
    const k = cols * rows * 3;
    perBin[b]!.faces++; perBin[b]!.learnedMae += fl / k; perBin[b]!.proceduralMae += fp / k;
    l += fl / k; p += fp / k; n++;
  }
  for (const r of perBin) if (r.faces) { r.learnedMae /= r.faces; r.proceduralMae /= r.faces; }
  return { valFaces: n, learnedMae: n ? l / n : NaN, proceduralMae: n ? p / n : NaN, perBin };
}
