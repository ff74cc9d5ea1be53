/**
 * The contact sheet: faces (one row per face and model) by emotions (columns), each cell the
 * render with what the judge saw written under it: green when the judge's top label is the
 * emotion asked for, red when it is another, orange when no face was found, grey where the
 * judge has no label for the emotion (contempt). Also the dev judge's mean-crops picture
 * (meanCropsPng).
 */
import { whiteCanvas } from '../export/canvas.ts';
import { createCanvas, ImageData as NapiImageData } from '@napi-rs/canvas';
import sharp from 'sharp';
import { EMOTIONS, type Emotion } from '../core/emotions.ts';
import { MEAN_CROP_EMOTIONS, MEAN_CROP_RANGES, type MeanCropTable, toGrey } from './mean-crops.ts';
import type { Cell } from './report.ts';

export const CELL = 176;
const LABEL = 26;
const HEADER = 30;
const ROW_HEADER = 150;

export const SHEET_COLOURS = Object.freeze({ correct: '#1e8c3a', wrong: '#c0392b', noFace: '#d68910', noLabel: '#7f8c8d' });

export function cellColour(c: Pick<Cell, 'detected' | 'correct'>): string {
  if (!c.detected) return SHEET_COLOURS.noFace;
  if (c.correct === null) return SHEET_COLOURS.noLabel;
  return c.correct ? SHEET_COLOURS.correct : SHEET_COLOURS.wrong;
}

interface Thumb { rgba: Uint8ClampedArray; cell: Cell }

export class ContactSheet {
  private readonly rows: { title: string; sub: string; cells: Map<Emotion, Thumb> }[] = [];
  private readonly index = new Map<string, number>();

  /** Adds one render (any square size; kept as a small thumbnail). */
  async add(rowTitle: string, rowSub: string, rgba: Uint8ClampedArray, side: number, cell: Cell): Promise<void> {
    const key = `${rowTitle}\u0000${rowSub}`;
    let r = this.index.get(key);
    if (r === undefined) {
      r = this.rows.length;
      this.index.set(key, r);
      this.rows.push({ title: rowTitle, sub: rowSub, cells: new Map() });
    }
    const small = await sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width: side, height: side, channels: 4 } })
      .resize(CELL, CELL, { kernel: 'lanczos3' })
      .raw()
      .toBuffer();
    this.rows[r]!.cells.set(cell.emotion, { rgba: new Uint8ClampedArray(small.buffer, small.byteOffset, small.byteLength), cell });
  }

  get rowCount(): number {
    return this.rows.length;
  }

  /** The sheet as a PNG. */
  async png(): Promise<Buffer> {
    const width = ROW_HEADER + EMOTIONS.length * CELL;
    const height = HEADER + Math.max(1, this.rows.length) * (CELL + LABEL);
    const { canvas, ctx } = whiteCanvas(width, height);
    ctx.fillStyle = '#222222';
    ctx.font = 'bold 15px sans-serif';
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'center';
    EMOTIONS.forEach((e, k) => ctx.fillText(e, ROW_HEADER + k * CELL + CELL / 2, HEADER / 2));
    const tile = createCanvas(CELL, CELL);
    const tctx = tile.getContext('2d');
    this.rows.forEach((row, r) => {
      const y = HEADER + r * (CELL + LABEL);
      ctx.textAlign = 'left';
      ctx.fillStyle = '#222222';
      ctx.font = 'bold 14px sans-serif';
      ctx.fillText(row.title.slice(0, 20), 8, y + CELL / 2 - 10);
      ctx.font = '13px sans-serif';
      ctx.fillText(row.sub.slice(0, 20), 8, y + CELL / 2 + 10);
      EMOTIONS.forEach((e, k) => {
        const x = ROW_HEADER + k * CELL;
        const t = row.cells.get(e);
        if (!t) {
          ctx.fillStyle = '#eeeeee';
          ctx.fillRect(x + 2, y + 2, CELL - 4, CELL + LABEL - 4);
          return;
        }
        tctx.putImageData(new NapiImageData(t.rgba, CELL, CELL), 0, 0);
        ctx.drawImage(tile, x, y);
        const colour = cellColour(t.cell);
        ctx.strokeStyle = colour;
        ctx.lineWidth = 4;
        ctx.strokeRect(x + 2, y + 2, CELL - 4, CELL + LABEL - 4);
        ctx.fillStyle = colour;
        ctx.fillRect(x, y + CELL, CELL, LABEL);
        ctx.fillStyle = '#ffffff';
        ctx.font = 'bold 14px sans-serif';
        ctx.textAlign = 'center';
        const text = t.cell.detected ? `${t.cell.top} ${t.cell.topProbability.toFixed(2)}` : 'no face';
        ctx.fillText(text, x + CELL / 2, y + CELL + LABEL / 2);
      });
    });
    return canvas.encode('png');
  }
}

// ---------------------------------------------------------------------------------------------
// The mean-crops picture (src/eval/mean-crops.ts).

/** Side of one mean-crop tile (the crop upscaled, nearest neighbour, by a whole factor). */
export const MEAN_CROP_TILE = 192;
const CROP_NOTE = 22;
const CROP_GAP = 6;
const CROP_ROW_HEADER = 170;
const CROP_FOOTER = 62;

/** The tile side for crops of `side` pixels: `side` times the whole factor nearest MEAN_CROP_TILE / side. */
export function meanCropTileSide(side: number): number {
  return side * Math.max(1, Math.round(MEAN_CROP_TILE / side));
}

/** The size of the picture of a table of `rows` rows of `side`-pixel crops. */
export function meanCropsSize(rows: number, side: number): { width: number; height: number } {
  const t = meanCropTileSide(side);
  return { width: CROP_ROW_HEADER + MEAN_CROP_EMOTIONS.length * (t + CROP_GAP), height: HEADER + Math.max(1, rows) * (t + CROP_NOTE + CROP_GAP) + CROP_FOOTER };
}

/**
 * The mean crops as a PNG: rows (real photos, each model, each model against the real photos) by
 * MEAN_CROP_EMOTIONS; a mean crop in grey over +-MEAN_CROP_RANGES.mean, a difference over
 * +-MEAN_CROP_RANGES.difference (128 grey = no change); an empty tile is plain grey marked "none".
 */
export async function meanCropsPng(table: MeanCropTable): Promise<Buffer> {
  const { side } = table;
  const t = meanCropTileSide(side), k = t / side;
  const { width, height } = meanCropsSize(table.rows.length, side);
  const { canvas, ctx } = whiteCanvas(width, height);
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'center';
  ctx.fillStyle = '#222222';
  ctx.font = 'bold 15px sans-serif';
  MEAN_CROP_EMOTIONS.forEach((e, c) => ctx.fillText(e === 'neutral' ? 'neutral (mean)' : `${e} - neutral`, CROP_ROW_HEADER + c * (t + CROP_GAP) + t / 2, HEADER / 2));
  const tile = createCanvas(t, t);
  const tctx = tile.getContext('2d');
  const rgba = new Uint8ClampedArray(t * t * 4);
  table.rows.forEach((row, r) => {
    const y = HEADER + r * (t + CROP_NOTE + CROP_GAP);
    ctx.textAlign = 'left';
    ctx.fillStyle = '#222222';
    ctx.font = 'bold 14px sans-serif';
    ctx.fillText(row.name.slice(0, 22), 8, y + t / 2 - 10);
    ctx.font = '13px sans-serif';
    ctx.fillText(row.kind === 'versus' ? 'renders minus real' : row.kind === 'real' ? 'judged dev photos' : 'renders', 8, y + t / 2 + 10);
    row.tiles.forEach((cell, c) => {
      const x = CROP_ROW_HEADER + c * (t + CROP_GAP);
      ctx.textAlign = 'center';
      if (!cell.values) {
        ctx.fillStyle = '#808080';
        ctx.fillRect(x, y, t, t);
        ctx.fillStyle = '#ffffff';
        ctx.font = 'bold 18px sans-serif';
        ctx.fillText('none', x + t / 2, y + t / 2);
      } else {
        if (cell.values.length !== side * side) throw new Error(`meanCropsPng: a tile of ${cell.values.length} values, expected ${side}x${side}`);
        const grey = toGrey(cell.values, cell.kind === 'mean' ? MEAN_CROP_RANGES.mean : MEAN_CROP_RANGES.difference);
        for (let py = 0; py < t; py++) for (let px = 0; px < t; px++) {
          const g = grey[Math.floor(py / k) * side + Math.floor(px / k)]!, o = (py * t + px) * 4;
          rgba[o] = g; rgba[o + 1] = g; rgba[o + 2] = g; rgba[o + 3] = 255;
        }
        tctx.putImageData(new NapiImageData(rgba, t, t), 0, 0);
        ctx.drawImage(tile, x, y);
      }
      ctx.fillStyle = '#444444';
      ctx.font = '13px sans-serif';
      ctx.fillText(cell.note, x + t / 2, y + t + CROP_NOTE / 2);
    });
  });
  ctx.textAlign = 'left';
  ctx.fillStyle = '#222222';
  ctx.font = '13px sans-serif';
  const foot = height - CROP_FOOTER;
  [
    `Mean normalised ${side}x${side} crops of the dev judge. Neutral column: the row's mean neutral crop (black -${MEAN_CROP_RANGES.mean}, white +${MEAN_CROP_RANGES.mean}).`,
    `Other columns: the emotion's mean crop minus the row's neutral mean; mid grey = no change, darker = darker than neutral (black -${MEAN_CROP_RANGES.difference}, white +${MEAN_CROP_RANGES.difference}).`,
    '"model - real" rows: the model\'s change minus the real photos\' change, what the renders do that real faces do not (neutral column: model neutral minus real neutral).',
  ].forEach((line, i) => ctx.fillText(line, 8, foot + 12 + i * 18));
  return canvas.encode('png');
}
