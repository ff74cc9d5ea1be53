/**
 * Training the mouth interior (pure: no I/O; the command in mouth-commands.ts reads the photos).
 * From data, not a generator: for each openness bin, each grid cell's colour relative to the
 * face's own skin, as the medoid real mouth shows it (the default) or as the mean over real open
 * mouths (which washes teeth and cavity out: their heights vary from mouth to mouth).
 *
 * Lighting: a sample's luminance is divided by the skin's (the ratio carries the photo's
 * exposure out), and its chroma is read against the skin's chroma. Luminance comes from every
 * face; chroma only from colour photos (most muxspace photos are grey: their chroma would pull
 * every interior towards the skin's hue), pooled over all bins where a bin has few colour faces.
 * The table holds lum ratio x chroma ratio per channel, so table x skin RGB is the colour.
 *
 * Split: each face's identity goes to `val` with probability valShare and to `dev` with
 * probability devShare (one seeded hash); the tables are learned from the rest (`fit`). The dev
 * part only decides which emotions keep a table of their own (an emotion's table must beat the
 * all-faces table on that emotion's dev mouths); val only measures.
 */
import type { Emotion } from '../core/emotions.ts';
import { createRng, subSeed } from '../core/rng.ts';
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
  /** The photo's emotion label, when it has one (for the per-emotion tables). */
  emotion?: Emotion;
  /**
   * Which data set it comes from, in order of preference (0, the default, first). The all-faces
   * table is learned from set 0 alone; the others fill in per-emotion tables where set 0 has too
   * few mouths of an emotion (a sharper set first: FER2013's 48-pixel mouths after muxspace's).
   * Held-out faces of every set are measured.
   */
  source?: number;
  /**
   * Read only to choose which table an emotion without one of its own borrows (`borrow`,
   * `emotebot train mouth --borrow-data`): in no table and in none of the held-out figures but
   * the borrowing's own.
   */
  chooseOnly?: boolean;
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
  /**
   * Which luminance the table ships: 'mean', the cell-by-cell mean (smooth: teeth and cavity of
   * faces whose teeth sit at other heights average out), or 'exemplar', per bin the luminance of
   * the medoid real mouth (the one nearest all the others among up to `exemplarPool` seeded fit
   * faces), so teeth and cavity stay as one real mouth shows them. Chroma is the mean either way.
   */
  table: 'mean' | 'exemplar';
  exemplarPool: number;
  /**
   * The exemplar's contrast (spread of ln luminance over the cells): 'medoid', its own (the
   * medoid of many mouths tends to be one of the flatter ones), or 'median', its ln luminance
   * spread about its own mean scaled to the median spread of the faces it stands for, so the
   * interior is as contrasted (teeth against cavity) as the typical real mouth of its bin.
   */
  exemplarContrast: 'medoid' | 'median';
  /**
   * The emotions that get a table of their own (real mouths differ by emotion: surprised ones
   * show a dark cavity, happy ones teeth). Per bin, an emotion with at least `minConditionFaces`
   * fit faces there takes its own luminance (as `table` says: the medoid or the mean of its
   * faces); elsewhere, and for an emotion with too few faces, the all-faces table's bin. The
   * chroma is the all-faces table's either way (colour photos are few).
   */
  conditions: readonly Emotion[];
  minConditionFaces: number;
  /**
   * Share of people in the dev part: their mouths decide which emotions keep their own table
   * (own error below the all-faces table's on that emotion's dev mouths, over at least
   * minDevFaces of them). 0: no dev part, every emotion with a bin of its own keeps its table.
   */
  devShare: number;
  minDevFaces: number;
  /**
   * 'dev' (default): the dev part decides which emotions keep their own table, as above. 'all':
   * every emotion with a bin of its own keeps it; the dev verdict is still measured and reported.
   */
  ownTables: 'dev' | 'all';
  /**
   * The emotions that, without a table of their own, borrow one. Any other emotion without a
   * table draws with the all-faces table, whose medoids are mostly smiles where happy mouths are
   * most of the data. One named here takes the table nearest its own real mouths among the
   * all-faces table and the kept emotions' tables (the lowest mean error over its labelled
   * mouths outside the val part, from every data set and the chooseOnly faces; none of them made
   * another emotion's table), when it has at least minDevFaces of them; else the all-faces
   * table. Its val mouths measure the choice. Empty (the default): none borrows.
   */
  borrow: readonly Emotion[];
  /**
   * Where a cell's colour (its chroma: the channels' ratios to the skin's over the luminance
   * ratio) comes from: 'cell', the mean chroma of the colour fit faces at that cell (per bin, or
   * pooled over bins where a bin has fewer than minColourFaces of them); or 'luminance', a curve
   * of chroma against the luminance ratio, learned from every pixel of every colour fit face and
   * read at the cell's own luminance, so a dark cell takes the cavity's red and a bright one the
   * teeth's paler colour whatever the cell. The curve is scaled to luminance 1, so it leaves a
   * cell's luminance (all a grey photo shows) exactly as measured; a cell's mean chroma comes
   * within a few percent of that.
   */
  chroma: 'cell' | 'luminance';
}

/**
 * Chroma against luminance (MouthTrainOptions.chroma 'luminance'): at each luminance ratio
 * `lum[k]` (increasing; the mean of its pixels) the channels' ratios to the skin over the
 * luminance ratio, `rgb[3k..3k+2]`, scaled so their luminance is 1; linear between, clamped
 * outside. Empty: no colour face, grey.
 */
export interface ChromaCurve { lum: number[]; rgb: number[]; pixels: number[] }

/** Luminance-ratio bins of the chroma curve: [k/10, (k+1)/10) up to 2, then [2, MAX_RATIO]. */
const CURVE_STEP = 0.1, CURVE_BINS = 21;
/** Fewest pixels for a bin of the chroma curve. */
const MIN_CURVE_PIXELS = 200;

/** The chroma curve's value at luminance ratio `l` (grey when it is empty). */
export function chromaAt(curve: ChromaCurve, l: number, out: [number, number, number]): [number, number, number] {
  const n = curve.lum.length;
  if (n === 0) { out[0] = 1; out[1] = 1; out[2] = 1; return out; }
  let k = 0, f = 0;
  if (!(l > curve.lum[0]!)) { k = 0; f = 0; } else if (l >= curve.lum[n - 1]!) { k = n - 1; f = 0; } else {
    while (k < n - 2 && l >= curve.lum[k + 1]!) k++;
    f = (l - curve.lum[k]!) / (curve.lum[k + 1]! - curve.lum[k]!);
  }
  const k1 = Math.min(k + 1, n - 1);
  for (let c = 0; c < 3; c++) out[c] = curve.rgb[k * 3 + c]! + (curve.rgb[k1 * 3 + c]! - curve.rgb[k * 3 + c]!) * f;
  return out;
}

export const DEFAULT_MOUTH_TRAIN: Omit<MouthTrainOptions, 'seed'> = {
  cols: 32, rows: 16, edges: [0.08, 0.15, 0.25, 0.35, 1.0], valShare: 0.1, devShare: 0.1, minDevFaces: 10, minColourFaces: 40, table: 'exemplar', exemplarPool: 600, exemplarContrast: 'medoid', ownTables: 'dev', borrow: [], chroma: 'cell',
  conditions: ['neutral', 'happy', 'sad', 'surprised', 'angry', 'fearful', 'disgusted', 'contempt'], minConditionFaces: 25,
};

/** Per-emotion tables: one slab of the all-faces table's shape per emotion that has a bin of its own, in `conditions` order. */
export interface ConditionedTables {
  conditions: readonly Emotion[];
  /** conditions x bins x rows x cols x RGB, as MouthTable.rgb per condition. */
  rgb: Float32Array;
  /**
   * Per condition, per bin of the table: fit faces of that emotion there (in the set it took them
   * from, else in set 0), whether it took its own luminance, and from which set (-1: none).
   */
  faces: number[][];
  own: boolean[][];
  from: number[][];
}

/** Condition k's table (same grid and bins as `base`). */
export function conditionTable(base: MouthTable, c: ConditionedTables, k: number): MouthTable {
  const n = base.bins * base.rows * base.cols * 3;
  if (k < 0 || k >= c.conditions.length || c.rgb.length !== c.conditions.length * n) throw new Error(`no mouth table for condition ${k}`);
  return { cols: base.cols, rows: base.rows, bins: base.bins, openness: base.openness, rgb: c.rgb.subarray(k * n, (k + 1) * n) };
}

/** An emotion's table on the dev part: kept when it beats the all-faces table there. */
export interface ConditionAcceptance { emotion: Emotion; devFaces: number; allMae: number; ownMae: number; kept: boolean; reason: string }

/**
 * An emotion of o.borrow without a table of its own: the mean error of each candidate
 * table on its mouths outside the val part, the one it draws with, and its val mouths' error with
 * the all-faces table and with that one.
 */
export interface BorrowChoice {
  emotion: Emotion;
  faces: number;
  errors: { table: Emotion | 'all'; mae: number }[];
  from: Emotion | 'all';
  reason: string;
  val: { faces: number; allMae: number; mae: number };
}

/** Held-out faces of one emotion: the all-faces table against the emotion's own. */
export interface ConditionMetrics { emotion: Emotion; valFaces: number; allMae: number; ownMae: number; contrast: { real: number; all: number; own: number } }

export interface BinCounts { faces: number; colourFaces: number; val: number; valColour: number; chroma: 'own' | 'pooled' | 'luminance' }

export interface MouthTraining {
  /** The table that ships (options.table). */
  table: MouthTable;
  /** Both tables, measured side by side. */
  tables: { mean: MouthTable; exemplar: MouthTable };
  bins: BinCounts[];
  /** Faces outside every bin (too open). */
  outside: number;
  /** Mean skin colour of the fit part's colour faces (for pictures). */
  referenceSkin: [number, number, number];
  /** Chroma against luminance, from the colour fit faces (used by the tables when o.chroma is 'luminance'). */
  chromaCurve: ChromaCurve;
  /** The shipped table's held-out figures. */
  metrics: MouthMetrics;
  /** Both tables' held-out figures. */
  measured: { mean: MouthMetrics; exemplar: MouthMetrics };
  /** The per-emotion tables that ship (built like `table`, kept by the dev part) and their held-out figures beside the all-faces table. */
  conditioned: ConditionedTables;
  /** Every emotion that took a bin of its own, and whether the dev part kept its table (empty when devShare is 0). */
  acceptance: ConditionAcceptance[];
  /**
   * Each emotion of o.borrow without a table of its own, and which it draws with; one that
   * borrows an emotion's table is appended to `conditioned` with a copy of it (its `own` all
   * false, its `faces` its mouths outside val per bin).
   */
  borrowed: BorrowChoice[];
  /** Dev faces per bin (people held out to choose the emotions' tables; never trained on). */
  devFaces: number;
  /** Per emotion with held-out faces; and over every held-out face with a label, each read with its own emotion's table. */
  conditionMetrics: { perEmotion: ConditionMetrics[]; valFaces: number; allMae: number; ownMae: number };
}

export interface MouthMetrics {
  /** Held-out faces measured, and per method the mean absolute error (RGB 0..255, all channels and cells). */
  valFaces: number;
  learnedMae: number;
  proceduralMae: number;
  /**
   * Contrast of an interior: the spread (standard deviation over the grid's cells) of ln
   * luminance relative to the skin; real mouths show teeth beside a dark cavity. Median over
   * held-out faces for the real mouths and the procedural interior (which depends on the
   * opening); the learned table's own contrast at each face's opening.
   */
  contrast: { real: number; learned: number; procedural: number };
  /** The same per openness bin. */
  perBin: { bin: number; faces: number; learnedMae: number; proceduralMae: number; contrast: { real: number; learned: number; procedural: number } }[];
  /** The colour photos among the held-out faces (where the chroma shows): how many, and the errors over them. */
  colour: { valFaces: number; learnedMae: number; proceduralMae: number };
}

const luma = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b;
const MAX_RATIO = 4;

/** Murmur3's 32-bit finaliser: spreads names that differ only in their last characters (person-1, person-2). */
function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A person's part: val (held out, measured), dev (held out, chooses), or fit (trained on). Val is
 * the same hash as before the dev part existed (its figures stay comparable); dev is drawn from
 * the rest with a second, mixed hash, devShare of all people on average.
 */
export function mouthPartOf(identity: string, seed: number, valShare: number, devShare: number): 'val' | 'dev' | 'fit' {
  if (subSeed(seed, `mouth-split/${identity}`) / 4294967296 < valShare) return 'val';
  const rest = 1 - valShare;
  return rest > 0 && mix32(subSeed(seed, `mouth-dev/${identity}`)) / 4294967296 < devShare / rest ? 'dev' : 'fit';
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
  // The chroma curve's sums per luminance bin: channel ratios, luminance ratios, pixels.
  const curveNum = new Float64Array(CURVE_BINS * 3), curveDen = new Float64Array(CURVE_BINS), curveN = new Float64Array(CURVE_BINS);
  const val: MouthFace[] = [], dev: MouthFace[] = [];
  const fitByBin: MouthFace[][] = Array.from({ length: bins }, () => []);
  // Fit faces of the other data sets, per bin: for per-emotion tables only.
  const extraByBin: MouthFace[][] = Array.from({ length: bins }, () => []);
  for (const f of faces) {
    if (f.chooseOnly) continue;
    const b = binOf(edges, f.openness);
    if (b < 0) { outside++; continue; }
    const part = mouthPartOf(f.identity, o.seed, o.valShare, o.devShare);
    if (part === 'val') { val.push(f); counts[b]!.val++; if (f.colour) counts[b]!.valColour++; continue; }
    if (part === 'dev') { dev.push(f); continue; }
    if ((f.source ?? 0) > 0) { extraByBin[b]!.push(f); continue; }
    const c = counts[b]!;
    c.faces++;
    fitByBin[b]!.push(f);
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
        const l = Math.min(luma(r, g, bl) / sl, MAX_RATIO), k = Math.min(CURVE_BINS - 1, Math.floor(l / CURVE_STEP));
        cd[i] = cd[i]! + l;
        curveNum[k * 3] = curveNum[k * 3]! + Math.min(r / sr, MAX_RATIO);
        curveNum[k * 3 + 1] = curveNum[k * 3 + 1]! + Math.min(g / sg, MAX_RATIO);
        curveNum[k * 3 + 2] = curveNum[k * 3 + 2]! + Math.min(bl / sb, MAX_RATIO);
        curveDen[k] = curveDen[k]! + l; curveN[k] = curveN[k]! + 1;
      }
    }
  }
  const chromaCurve = buildCurve(curveNum, curveDen, curveN);
  const lumChroma = o.chroma === 'luminance';
  const cc: [number, number, number] = [0, 0, 0], ce: [number, number, number] = [0, 0, 0];
  // Pooled chroma over every bin, for bins with few colour faces.
  const poolNum = new Float64Array(cells * 3), poolDen = new Float64Array(cells);
  for (let b = 0; b < bins; b++) for (let i = 0; i < cells; i++) {
    poolDen[i] = poolDen[i]! + chromaDen[b]![i]!;
    for (let c = 0; c < 3; c++) poolNum[i * 3 + c] = poolNum[i * 3 + c]! + chromaNum[b]![i * 3 + c]!;
  }
  const used: number[] = [];
  const rgb: number[] = [], rgbExemplar: number[] = [], centres: number[] = [];
  for (let b = 0; b < bins; b++) {
    const c = counts[b]!;
    if (c.faces === 0) continue;
    used.push(b);
    centres.push(openSum[b]! / c.faces);
    const own = c.colourFaces >= o.minColourFaces;
    c.chroma = lumChroma ? 'luminance' : own ? 'own' : 'pooled';
    const num = own ? chromaNum[b]! : poolNum, den = own ? chromaDen[b]! : poolDen;
    const exemplar = exemplarLum(fitByBin[b]!, cells, subSeed(o.seed, `mouth-exemplar-${b}`), o);
    for (let i = 0; i < cells; i++) {
      const lum = lumSum[b]![i]! / c.faces;
      if (lumChroma) {
        chromaAt(chromaCurve, lum, cc);
        chromaAt(chromaCurve, exemplar[i]!, ce);
        for (let ch = 0; ch < 3; ch++) { rgb.push(lum * cc[ch]!); rgbExemplar.push(exemplar[i]! * ce[ch]!); }
        continue;
      }
      for (let ch = 0; ch < 3; ch++) {
        // No colour face at all: grey relative to the skin (the skin's own hue).
        const chroma = den[i]! > 1e-9 ? num[i * 3 + ch]! / den[i]! : 1;
        rgb.push(lum * chroma);
        rgbExemplar.push(exemplar[i]! * chroma);
      }
    }
  }
  if (used.length === 0) throw new Error('no open mouths to learn from');
  // Bin centres must increase strictly (a bin's mean openness lies within its edges, so they do).
  const openness = Float32Array.from(centres);
  const tables = {
    mean: { cols, rows, bins: used.length, openness, rgb: Float32Array.from(rgb) },
    exemplar: { cols, rows, bins: used.length, openness, rgb: Float32Array.from(rgbExemplar) },
  };
  const table: MouthTable = tables[o.table];
  const accepted = acceptConditions(table, conditionedTables(table, fitByBin, extraByBin, used, o, lumChroma ? chromaCurve : undefined), dev, o);
  const { conditioned, borrowed } = borrowTables(table, accepted.conditioned, faces, used, o);
  const acceptance = accepted.acceptance;
  const conditionMetrics = measureConditions(table, conditioned, val, o);
  const referenceSkin: [number, number, number] = skinN > 0 ? [skinRef[0]! / skinN, skinRef[1]! / skinN, skinRef[2]! / skinN] : [190, 150, 130];
  const measured = { mean: measure(tables.mean, val, edges, cols, rows), exemplar: measure(tables.exemplar, val, edges, cols, rows) };
  return { table, tables, bins: counts, outside, referenceSkin, chromaCurve, metrics: measured[o.table], measured, conditioned, conditionMetrics, acceptance, borrowed, devFaces: dev.length };
}

/**
 * o.borrow (see MouthTrainOptions): each emotion of o.borrow (in o.conditions' order) without a
 * table in `c` takes the candidate (the all-faces table first, then c's tables in order) with
 * the lowest mean error on its mouths outside the val part; ties keep the earlier. Borrowed
 * tables are appended to the conditions as copies.
 */
function borrowTables(base: MouthTable, c: ConditionedTables, faces: readonly MouthFace[], used: readonly number[], o: MouthTrainOptions): { conditioned: ConditionedTables; borrowed: BorrowChoice[] } {
  const candidates: [Emotion | 'all', MouthTable][] = [['all', base], ...c.conditions.map((e, k): [Emotion, MouthTable] => [e, conditionTable(base, c, k)])];
  const isVal = (f: MouthFace) => mouthPartOf(f.identity, o.seed, o.valShare, o.devShare) === 'val';
  const mae = (t: MouthTable, fs: readonly MouthFace[]) => measure(t, fs, o.edges, o.cols, o.rows).learnedMae;
  const out: ConditionedTables = { conditions: [...c.conditions], rgb: c.rgb, faces: [...c.faces], own: [...c.own], from: [...c.from] };
  const slabs: Float32Array[] = [c.rgb];
  const borrowed: BorrowChoice[] = [];
  for (const emotion of o.conditions) {
    if (!o.borrow.includes(emotion) || c.conditions.includes(emotion)) continue;
    const mine = faces.filter((f) => f.emotion === emotion && binOf(o.edges, f.openness) >= 0);
    const choose = mine.filter((f) => !isVal(f)), val = mine.filter(isVal);
    let pick = 0, errors: BorrowChoice['errors'] = [], reason: string;
    if (choose.length < o.minDevFaces) {
      reason = `${choose.length} mouths outside val, fewer than ${o.minDevFaces}: the all-faces table`;
    } else {
      errors = candidates.map(([table, t]) => ({ table, mae: mae(t, choose) }));
      for (let i = 1; i < errors.length; i++) if (errors[i]!.mae < errors[pick]!.mae) pick = i;
      reason = pick === 0 ? 'the all-faces table is the nearest its mouths' : `${candidates[pick]![0]}'s table is the nearest its mouths`;
    }
    const [from, table] = candidates[pick]!;
    borrowed.push({ emotion, faces: choose.length, errors, from, reason, val: { faces: val.length, allMae: mae(base, val), mae: mae(table, val) } });
    if (pick === 0) continue;
    // Its mouths per bin of the table (used: the edge bins that have faces).
    const perBin = used.map(() => 0);
    for (const f of choose) { const bi = used.indexOf(binOf(o.edges, f.openness)); if (bi >= 0) perBin[bi]!++; }
    out.conditions = [...out.conditions, emotion];
    out.faces.push(perBin); out.own.push(perBin.map(() => false)); out.from.push(perBin.map(() => -1));
    slabs.push(Float32Array.from(table.rgb));
  }
  if (slabs.length > 1) {
    const rgb = new Float32Array(slabs.reduce((n, s) => n + s.length, 0));
    let at = 0;
    for (const s of slabs) { rgb.set(s, at); at += s.length; }
    out.rgb = rgb;
  }
  return { conditioned: out, borrowed };
}

/**
 * The dev part's verdict on each emotion's table: kept when it has at least o.minDevFaces dev
 * mouths of that emotion and its error on them is below the all-faces table's; the rest draw
 * with the all-faces table. With no dev part (devShare 0) every table is kept.
 */
function acceptConditions(base: MouthTable, c: ConditionedTables, dev: readonly MouthFace[], o: MouthTrainOptions): { conditioned: ConditionedTables; acceptance: ConditionAcceptance[] } {
  if (o.devShare <= 0) return { conditioned: c, acceptance: [] };
  const acceptance = c.conditions.map((emotion, k): ConditionAcceptance => {
    const mine = dev.filter((f) => f.emotion === emotion);
    const a = measure(base, mine, o.edges, o.cols, o.rows), b = measure(conditionTable(base, c, k), mine, o.edges, o.cols, o.rows);
    const n = a.valFaces;
    if (n < o.minDevFaces) return { emotion, devFaces: n, allMae: a.learnedMae, ownMae: b.learnedMae, kept: o.ownTables === 'all', reason: `${n} dev mouths, fewer than ${o.minDevFaces}${o.ownTables === 'all' ? '; kept by --own-tables all' : ''}` };
    const nearer = b.learnedMae < a.learnedMae;
    const kept = nearer || o.ownTables === 'all';
    return { emotion, devFaces: n, allMae: a.learnedMae, ownMae: b.learnedMae, kept, reason: (nearer ? 'own table nearer its dev mouths' : 'all-faces table as near or nearer its dev mouths') + (kept && !nearer ? '; kept by --own-tables all' : '') };
  });
  return { conditioned: keepConditions(c, (k) => acceptance[k]!.kept), acceptance };
}

/** The conditions (with their tables and counts) for which keep(k) holds, in order. */
function keepConditions(c: ConditionedTables, keep: (k: number) => boolean): ConditionedTables {
  const kept = c.conditions.map((_, k) => k).filter(keep);
  const n = c.rgb.length / Math.max(1, c.conditions.length);
  const rgb = new Float32Array(kept.length * n);
  kept.forEach((k, j) => rgb.set(c.rgb.subarray(k * n, (k + 1) * n), j * n));
  return { conditions: kept.map((k) => c.conditions[k]!), rgb, faces: kept.map((k) => c.faces[k]!), own: kept.map((k) => c.own[k]!), from: kept.map((k) => c.from[k]!) };
}

/**
 * Each condition's table: per used bin, the luminance of the emotion's own fit faces there (the
 * medoid or the mean, as o.table) when it has at least o.minConditionFaces of them, times the
 * all-faces table's chroma there (with `curve`, o.chroma 'luminance': the curve's chroma at that
 * luminance); else the all-faces table's bin.
 */
function conditionedTables(base: MouthTable, fitByBin: readonly MouthFace[][], extraByBin: readonly MouthFace[][], used: readonly number[], o: MouthTrainOptions, curve?: ChromaCurve): ConditionedTables {
  const cc: [number, number, number] = [0, 0, 0];
  const cells = base.rows * base.cols, slab = cells * 3, n = base.bins * slab;
  const rgb = new Float32Array(o.conditions.length * n);
  const faces: number[][] = [], own: boolean[][] = [], from: number[][] = [];
  const sets = [...new Set(extraByBin.flat().map((f) => f.source ?? 0))].sort((a, b) => a - b);
  o.conditions.forEach((emotion, k) => {
    const fk: number[] = [], ok: boolean[] = [], fr: number[] = [];
    used.forEach((b, bi) => {
      // Set 0's mouths of the emotion in this bin, else the first other set with enough of them.
      let mine = fitByBin[b]!.filter((f) => f.emotion === emotion), set = 0;
      for (const s of sets) {
        if (mine.length >= o.minConditionFaces) break;
        const theirs = extraByBin[b]!.filter((f) => f.source === s && f.emotion === emotion);
        if (theirs.length >= o.minConditionFaces) { mine = theirs; set = s; }
      }
      fk.push(mine.length);
      const at = k * n + bi * slab;
      const baseSlab = base.rgb.subarray(bi * slab, (bi + 1) * slab);
      rgb.set(baseSlab, at);
      if (mine.length < o.minConditionFaces) { ok.push(false); fr.push(-1); return; }
      ok.push(true); fr.push(set);
      let lum: Float64Array;
      if (o.table === 'exemplar') {
        lum = exemplarLum(mine, cells, subSeed(o.seed, `mouth-exemplar-${b}-${emotion}`), o);
      } else {
        lum = new Float64Array(cells);
        for (const f of mine) { const l = lumRatios(f, cells); for (let i = 0; i < cells; i++) lum[i] = lum[i]! + l[i]! / mine.length; }
      }
      if (curve) {
        // The chroma of the emotion's own luminance at the cell.
        for (let i = 0; i < cells; i++) { chromaAt(curve, lum[i]!, cc); for (let c = 0; c < 3; c++) rgb[at + i * 3 + c] = lum[i]! * cc[c]!; }
        return;
      }
      for (let i = 0; i < cells; i++) {
        // The base cell is lum_base x chroma; keep its chroma, swap its luminance.
        const r = baseSlab[i * 3]!, g = baseSlab[i * 3 + 1]!, bl = baseSlab[i * 3 + 2]!;
        const y = luma(r, g, bl);
        for (let c = 0; c < 3; c++) rgb[at + i * 3 + c] = y > 1e-9 ? (baseSlab[i * 3 + c]! / y) * lum[i]! : lum[i]!;
      }
    });
    faces.push(fk); own.push(ok); from.push(fr);
  });
  // An emotion that took no bin of its own is the all-faces table: not kept (the renderers use that table for it).
  return keepConditions({ conditions: o.conditions, rgb, faces, own, from }, (k) => own[k]!.some(Boolean));
}

function measureConditions(base: MouthTable, c: ConditionedTables, val: readonly MouthFace[], o: MouthTrainOptions): TrainingConditionMetrics {
  const perEmotion: ConditionMetrics[] = [];
  let n = 0, all = 0, ownSum = 0;
  o.conditions.forEach((emotion) => {
    const mine = val.filter((f) => f.emotion === emotion);
    if (mine.length === 0) return;
    // An emotion without a table of its own is drawn with the all-faces table.
    const k = c.conditions.indexOf(emotion);
    const a = measure(base, mine, o.edges, o.cols, o.rows), b = k < 0 ? a : measure(conditionTable(base, c, k), mine, o.edges, o.cols, o.rows);
    if (a.valFaces === 0) return;
    perEmotion.push({ emotion, valFaces: a.valFaces, allMae: a.learnedMae, ownMae: b.learnedMae, contrast: { real: a.contrast.real, all: a.contrast.learned, own: b.contrast.learned } });
    n += a.valFaces; all += a.learnedMae * a.valFaces; ownSum += b.learnedMae * b.valFaces;
  });
  return { perEmotion, valFaces: n, allMae: n ? all / n : NaN, ownMae: n ? ownSum / n : NaN };
}

type TrainingConditionMetrics = MouthTraining['conditionMetrics'];

/**
 * The exemplar's luminance ratios per cell: the medoid of `faces` (medoid below), with its
 * contrast as o.exemplarContrast says (see MouthTrainOptions).
 */
function exemplarLum(faces: readonly MouthFace[], cells: number, seed: number, o: Pick<MouthTrainOptions, 'exemplarPool' | 'exemplarContrast'>): Float64Array {
  const lum = lumRatios(medoid(faces, o.exemplarPool, seed), cells);
  if (o.exemplarContrast === 'medoid') return lum;
  const spreads = faces.map((f) => interiorContrast(lumRatios(f, cells))).sort((a, b) => a - b);
  return withContrast(lum, spreads[Math.floor(spreads.length / 2)]!);
}

/** Luminance ratios whose ln spread about their ln mean is scaled to `target` (capped as lumRatios caps). */
export function withContrast(lum: Float64Array, target: number): Float64Array {
  const own = interiorContrast(lum);
  if (!(own > 1e-6)) return Float64Array.from(lum);
  const n = lum.length, logs = Array.from(lum, (v) => Math.log(Math.max(v, 1e-3)));
  const mean = logs.reduce((a, b) => a + b, 0) / n, k = target / own;
  return Float64Array.from(logs, (l) => Math.min(Math.exp(mean + (l - mean) * k), MAX_RATIO));
}

/** A face's luminance relative to its skin, per cell (capped as the mean's). */
function lumRatios(f: MouthFace, cells: number): Float64Array {
  const sl = luma(f.skin[0], f.skin[1], f.skin[2]);
  return Float64Array.from({ length: cells }, (_, i) => Math.min(luma(f.samples[i * 3]!, f.samples[i * 3 + 1]!, f.samples[i * 3 + 2]!) / sl, MAX_RATIO));
}

/**
 * The chroma curve from its bins' sums (per bin: channel ratios, luminance ratios, and the count
 * of pixels): bins with at least MIN_CURVE_PIXELS, each at its pixels' mean luminance ratio,
 * chroma = channel sum / luminance sum, scaled to luminance 1.
 */
function buildCurve(num: Float64Array, den: Float64Array, n: Float64Array): ChromaCurve {
  const curve: ChromaCurve = { lum: [], rgb: [], pixels: [] };
  for (let k = 0; k < n.length; k++) {
    if (n[k]! < MIN_CURVE_PIXELS || !(den[k]! > 1e-9)) continue;
    const r = num[k * 3]! / den[k]!, g = num[k * 3 + 1]! / den[k]!, b = num[k * 3 + 2]! / den[k]!;
    const y = luma(r, g, b);
    if (!(y > 1e-9)) continue;
    curve.lum.push(den[k]! / n[k]!);
    curve.rgb.push(r / y, g / y, b / y);
    curve.pixels.push(n[k]!);
  }
  return curve;
}

/**
 * The medoid of a bin's faces by their ln luminance ratios: the face with the least summed
 * distance to the others, among at most `pool` faces drawn with the seed (the order of faces
 * given does not matter beyond the draw).
 */
export function medoid(faces: readonly MouthFace[], pool: number, seed: number): MouthFace {
  if (faces.length === 0) throw new Error('no faces for an exemplar');
  const idx = faces.map((_, i) => i);
  const rng = createRng(seed);
  for (let i = idx.length - 1; i > 0; i--) { const j = Math.floor(rng() * (i + 1)); [idx[i], idx[j]] = [idx[j]!, idx[i]!]; }
  const pick = idx.slice(0, Math.max(1, pool)).sort((a, b) => a - b).map((i) => faces[i]!);
  const cells = pick[0]!.samples.length / 3;
  const logs = pick.map((f) => lumRatios(f, cells).map((v) => Math.log(Math.max(v, 1e-3))));
  let best = 0, bestSum = Infinity;
  for (let a = 0; a < logs.length; a++) {
    let sum = 0;
    for (let b = 0; b < logs.length && sum < bestSum; b++) {
      if (a === b) continue;
      let d = 0;
      const x = logs[a]!, y = logs[b]!;
      for (let i = 0; i < cells; i++) d += (x[i]! - y[i]!) ** 2;
      sum += Math.sqrt(d);
    }
    if (sum < bestSum) { bestSum = sum; best = a; }
  }
  return pick[best]!;
}

/** Spread of ln luminance over the cells of an interior given as a luminance per cell (any scale). */
export function interiorContrast(lum: ArrayLike<number>): number {
  const n = lum.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += Math.log(Math.max(lum[i]!, 1e-3)) / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (Math.log(Math.max(lum[i]!, 1e-3)) - m) ** 2 / n;
  return Math.sqrt(v);
}

/** Held-out error of the learned interior (table x the face's skin) and of the procedural one. */
export function measure(table: MouthTable, val: readonly MouthFace[], edges: readonly number[], cols: number, rows: number): MouthMetrics {
  const bins = edges.length - 1;
  const perBin = Array.from({ length: bins }, (_, bin) => ({ bin, faces: 0, learnedMae: 0, proceduralMae: 0, contrast: { real: NaN, learned: NaN, procedural: NaN } }));
  const contrasts = Array.from({ length: bins }, () => ({ real: [] as number[], learned: [] as number[], procedural: [] as number[] }));
  let l = 0, p = 0, n = 0, cl = 0, cp = 0, cn = 0;
  const a: [number, number, number] = [0, 0, 0], q: [number, number, number] = [0, 0, 0];
  const cells = cols * rows;
  const lumReal = new Float64Array(cells), lumLearned = new Float64Array(cells), lumProc = new Float64Array(cells);
  for (const f of val) {
    const b = binOf(edges, f.openness);
    if (b < 0) continue;
    let fl = 0, fp = 0;
    for (let j = 0; j < rows; j++) for (let i = 0; i < cols; i++) {
      const u = (i + 0.5) / cols, v = (j + 0.5) / rows;
      interiorColour(table, u, v, f.openness, f.skin, chromaWeight(f.skin), a);
      proceduralAt(v, f.openness, q);
      const cell = j * cols + i;
      for (let c = 0; c < 3; c++) {
        const real = f.samples[cell * 3 + c]!;
        fl += Math.abs(a[c]! - real);
        fp += Math.abs(q[c]! - real);
      }
      lumReal[cell] = luma(f.samples[cell * 3]!, f.samples[cell * 3 + 1]!, f.samples[cell * 3 + 2]!);
      lumLearned[cell] = luma(a[0], a[1], a[2]);
      lumProc[cell] = luma(q[0], q[1], q[2]);
    }
    contrasts[b]!.real.push(interiorContrast(lumReal));
    contrasts[b]!.learned.push(interiorContrast(lumLearned));
    contrasts[b]!.procedural.push(interiorContrast(lumProc));
    const k = cells * 3;
    perBin[b]!.faces++; perBin[b]!.learnedMae += fl / k; perBin[b]!.proceduralMae += fp / k;
    l += fl / k; p += fp / k; n++;
    if (f.colour) { cl += fl / k; cp += fp / k; cn++; }
  }
  const median = (xs: number[]) => { const s = [...xs].sort((x, y) => x - y); return s.length ? s[Math.floor(s.length / 2)]! : NaN; };
  for (const r of perBin) {
    if (r.faces) { r.learnedMae /= r.faces; r.proceduralMae /= r.faces; }
    const c = contrasts[r.bin]!;
    r.contrast = { real: median(c.real), learned: median(c.learned), procedural: median(c.procedural) };
  }
  const all = (k: 'real' | 'learned' | 'procedural') => median(contrasts.flatMap((c) => c[k]));
  return { valFaces: n, learnedMae: n ? l / n : NaN, proceduralMae: n ? p / n : NaN, contrast: { real: all('real'), learned: all('learned'), procedural: all('procedural') }, perBin, colour: { valFaces: cn, learnedMae: cn ? cl / cn : NaN, proceduralMae: cn ? cp / cn : NaN } };
}
