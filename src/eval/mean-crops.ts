/**
 * Mean crops: the dev judge's normalised 48x48 crop (src/eval/dev-classifier.ts faceCrop),
 * averaged per emotion over the real bar photos and over each model's renders, shown as
 * differences to that row's neutral. They show directly where renders depart from real faces
 * (what the classifier is shown, not what it concludes). Pure: numbers in, numbers out;
 * src/eval/sheet.ts meanCropsPng draws the table.
 */
import type { Emotion } from '../core/emotions.ts';

/** The columns: neutral (shown as its mean), then the expressive emotions (shown as differences). */
export const MEAN_CROP_EMOTIONS = ['neutral', 'happy', 'sad', 'surprised', 'angry', 'fearful', 'disgusted'] as const satisfies readonly Emotion[];
export type MeanCropEmotion = (typeof MEAN_CROP_EMOTIONS)[number];

/** The row of the real bar photos. */
export const REAL_ROW = 'real photos';

/** Sums of crops per row (real photos, or a model) and emotion. */
export class MeanCropSums {
  private readonly sums = new Map<string, { sum: Float64Array; n: number }>();
  private readonly order: string[] = [];
  side: number | null = null;

  /** Adds one crop (square, row-major); emotions outside MEAN_CROP_EMOTIONS (contempt) are ignored. */
  add(row: string, emotion: Emotion, crop: ArrayLike<number>): void {
    if (!(MEAN_CROP_EMOTIONS as readonly string[]).includes(emotion)) return;
    const side = Math.round(Math.sqrt(crop.length));
    if (side * side !== crop.length || side === 0) throw new Error(`mean crops: a crop of ${crop.length} values is not square`);
    if (this.side === null) this.side = side;
    else if (side !== this.side) throw new Error(`mean crops: a ${side}x${side} crop among ${this.side}x${this.side} ones`);
    if (!this.order.includes(row)) this.order.push(row);
    const key = `${row}\u0000${emotion}`;
    let a = this.sums.get(key);
    if (!a) this.sums.set(key, (a = { sum: new Float64Array(crop.length), n: 0 }));
    for (let i = 0; i < crop.length; i++) a.sum[i] = a.sum[i]! + crop[i]!;
    a.n++;
  }

  /** Rows in the order they were first added to. */
  get rows(): readonly string[] {
    return this.order;
  }

  count(row: string, emotion: MeanCropEmotion): number {
    return this.sums.get(`${row}\u0000${emotion}`)?.n ?? 0;
  }

  /** The mean crop, or null when no crop was added. */
  mean(row: string, emotion: MeanCropEmotion): Float32Array | null {
    const a = this.sums.get(`${row}\u0000${emotion}`);
    if (!a || a.n === 0) return null;
    const out = new Float32Array(a.sum.length);
    for (let i = 0; i < out.length; i++) out[i] = a.sum[i]! / a.n;
    return out;
  }
}

/** a - b, or null when either is missing. */
export function cropDifference(a: Float32Array | null, b: Float32Array | null): Float32Array | null {
  if (!a || !b) return null;
  if (a.length !== b.length) throw new Error(`mean crops: ${a.length} values minus ${b.length}`);
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! - b[i]!;
  return out;
}

export interface MeanCropTile {
  /** The values (side x side, row-major), or null: nothing to show (no face found). */
  values: Float32Array | null;
  /** 'mean': a mean crop; 'difference': a difference of means (zero is no change). */
  kind: 'mean' | 'difference';
  /** What the tile is, for its label (e.g. "n=20" or "n=20 vs 18"). */
  note: string;
}

export interface MeanCropRow {
  name: string;
  kind: 'real' | 'model' | 'versus';
  /** One tile per MEAN_CROP_EMOTIONS entry. */
  tiles: MeanCropTile[];
}

export interface MeanCropTable {
  side: number;
  rows: MeanCropRow[];
}

/**
 * The picture's table: the real photos' row, then one row per model (neutral: its mean crop;
 * each expressive emotion: its mean minus the row's neutral mean), then one row per model of
 * what its renders do that real faces do not: (model emotion - model neutral) - (real emotion -
 * real neutral), and in the neutral column model neutral - real neutral.
 */
export function meanCropTable(sums: MeanCropSums, models: readonly string[], side = sums.side ?? 48): MeanCropTable {
  const own = (row: string, kind: 'real' | 'model'): MeanCropRow => {
    const neutral = sums.mean(row, 'neutral');
    const n0 = sums.count(row, 'neutral');
    return {
      name: row, kind,
      tiles: MEAN_CROP_EMOTIONS.map((e): MeanCropTile => e === 'neutral'
        ? { values: neutral, kind: 'mean', note: `n=${n0}` }
        : { values: cropDifference(sums.mean(row, e), neutral), kind: 'difference', note: `n=${sums.count(row, e)} vs ${n0}` }),
    };
  };
  const real = own(REAL_ROW, 'real');
  const modelRows = models.map((m) => own(m, 'model'));
  const versus = models.map((m, k): MeanCropRow => ({
    name: `${m} - real`, kind: 'versus',
    tiles: MEAN_CROP_EMOTIONS.map((e, i): MeanCropTile => {
      const values = i === 0
        ? cropDifference(modelRows[k]!.tiles[0]!.values, real.tiles[0]!.values)
        : cropDifference(modelRows[k]!.tiles[i]!.values, real.tiles[i]!.values);
      return { values, kind: 'difference', note: `n=${sums.count(m, e)} vs ${sums.count(REAL_ROW, e)} real` };
    }),
  }));
  return { side, rows: [real, ...modelRows, ...versus] };
}

/** Grey levels of the picture: a mean crop over +-MEAN_RANGE, a difference over +-DIFFERENCE_RANGE (normalised units), 128 at 0. */
export const MEAN_CROP_RANGES = Object.freeze({ mean: 2.5, difference: 0.8 });

/** Values to grey levels: 0 -> 128, -range -> 0, +range -> 255 (clamped). */
export function toGrey(values: ArrayLike<number>, range: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(128 + (128 * values[i]!) / range)));
  return out;
}
