/**
 * The contact sheet: faces (one row per face and model) by emotions (columns), each cell the
 * render with what the judge saw written under it: green when the judge's top label is the
 * emotion asked for, red when it is another, orange when no face was found, grey where the
 * judge has no label for the emotion (contempt).
 */
import { whiteCanvas } from '../export/canvas.ts';
import { createCanvas, ImageData as NapiImageData } from '@napi-rs/canvas';
import sharp from 'sharp';
import { EMOTIONS, type Emotion } from '../core/emotions.ts';
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
