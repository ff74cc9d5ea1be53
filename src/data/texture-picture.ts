/**
 * The mean face texture per emotion, as a PNG (edge: @napi-rs/canvas). Row one: each emotion's
 * mean lighting-normalised shading in the canonical UV layout (grey: darker is darker skin, from
 * -SHADING_RANGE to +SHADING_RANGE ln units). Row two: the emotion's mean minus the neutral mean
 * in a diverging colour map (blue: darker than neutral, red: lighter), full colour at
 * +-DIFFERENCE_RANGE, i.e. exaggerated. Only texels covered in at least half of the faces of a
 * label are shown (the rest pale green, or grey in row two); thin lines mark the canonical eyes, brows, lips, nose and face outline.
 */
import { whiteCanvas } from '../export/canvas.ts';
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import {
  CANONICAL_UVS, FACE_OVAL, LEFT_BROW, LEFT_EYE_LOWER, LEFT_EYE_UPPER, LIPS_INNER_LOWER, LIPS_INNER_UPPER,
  LIPS_OUTER_LOWER, LIPS_OUTER_UPPER, RIGHT_BROW, RIGHT_EYE_LOWER, RIGHT_EYE_UPPER,
} from '../core/topology.ts';
import { TEXTURE_MISSING, TEXTURE_STEP, UV_SIZE } from '../render/uv-texture.ts';

export const SHADING_RANGE = 0.6;
export const DIFFERENCE_RANGE = 0.08;
/** A texel is shown where at least this share of a label's faces cover it. */
export const MIN_COVERED_SHARE = 0.5;

export interface MeanTextures {
  /** Per label: mean shading over the faces that cover each texel (ln units), undefined for a label without faces. */
  mean: (Float32Array | undefined)[];
  /** Per label: share of its faces covering each texel. */
  covered: (Float32Array | undefined)[];
  count: number[];
}

/** Per-label mean of the textures (TEXTURE_TEXELS int8 per face), covered texels only. */
export function meanTextures(texture: Int8Array, label: Uint8Array, labels: number): MeanTextures {
  const n = UV_SIZE * UV_SIZE;
  const sum = Array.from({ length: labels }, () => new Float64Array(n));
  const hits = Array.from({ length: labels }, () => new Uint32Array(n));
  const count = new Array<number>(labels).fill(0);
  for (let f = 0; f < label.length; f++) {
    const l = label[f]!;
    if (l >= labels) continue;
    count[l]!++;
    const s = sum[l]!, h = hits[l]!, base = f * n;
    for (let p = 0; p < n; p++) {
      const q = texture[base + p]!;
      if (q === TEXTURE_MISSING) continue;
      s[p] = s[p]! + q;
      h[p] = h[p]! + 1;
    }
  }
  const mean: (Float32Array | undefined)[] = [], covered: (Float32Array | undefined)[] = [];
  for (let l = 0; l < labels; l++) {
    if (count[l] === 0) { mean.push(undefined); covered.push(undefined); continue; }
    const m = new Float32Array(n), c = new Float32Array(n);
    for (let p = 0; p < n; p++) {
      const h = hits[l]![p]!;
      m[p] = h > 0 ? (sum[l]![p]! / h) * TEXTURE_STEP : 0;
      c[p] = h / count[l]!;
    }
    mean.push(m); covered.push(c);
  }
  return { mean, covered, count };
}

const LINES: readonly (readonly number[])[] = [
  FACE_OVAL, RIGHT_BROW.slice(0, 5), LEFT_BROW.slice(0, 5), RIGHT_BROW.slice(5), LEFT_BROW.slice(5),
  RIGHT_EYE_UPPER, RIGHT_EYE_LOWER, LEFT_EYE_UPPER, LEFT_EYE_LOWER,
  LIPS_OUTER_UPPER, LIPS_OUTER_LOWER, LIPS_INNER_UPPER, LIPS_INNER_LOWER,
  [168, 6, 197, 195, 5, 4, 1], [98, 97, 2, 326, 327],
];

const PANEL = 256, GAP = 8, TITLE_H = 34, ROW_LABEL_H = 24, FOOT_H = 40;

/** Diverging map: -1 blue, 0 white, +1 red. */
function diverging(t: number): [number, number, number] {
  const x = Math.max(-1, Math.min(1, t));
  if (x < 0) return [255 * (1 + x * 0.85), 255 * (1 + x * 0.6), 255];
  return [255, 255 * (1 - x * 0.6), 255 * (1 - x * 0.85)];
}

/** Draws the picture; returns PNG bytes, or undefined when no label has a face. */
export async function texturePicture(means: MeanTextures, vocabulary: readonly string[], title: string): Promise<Uint8Array | undefined> {
  const shown = vocabulary.map((name, l) => ({ name, l, mean: means.mean[l], covered: means.covered[l], n: means.count[l] ?? 0 })).filter((p) => p.mean !== undefined);
  if (shown.length === 0) return undefined;
  const neutral = shown.find((p) => p.name === 'neutral');
  const W = shown.length * (PANEL + GAP) + GAP, H = TITLE_H + 2 * (ROW_LABEL_H + PANEL + 22) + FOOT_H;
  const { canvas, ctx } = whiteCanvas(W, H);
  ctx.fillStyle = '#111111';
  ctx.font = 'bold 16px "DejaVu Sans", sans-serif';
  ctx.fillText(title, 10, 22);
  const row1 = TITLE_H + ROW_LABEL_H, row2 = row1 + PANEL + 22 + ROW_LABEL_H;
  ctx.font = '13px "DejaVu Sans", sans-serif';
  ctx.fillStyle = '#444444';
  ctx.fillText(`mean shading (ln-luminance minus a quadratic lighting fit; black ${-SHADING_RANGE}, white +${SHADING_RANGE}); texels covered in at least ${MIN_COVERED_SHARE * 100}% of the faces (pale green: fewer)`, 10, row1 - 7);
  ctx.fillText(neutral
    ? `emotion mean minus neutral mean: blue darker, red lighter than neutral, full colour at ±${DIFFERENCE_RANGE} (≈ ±${Math.round(DIFFERENCE_RANGE * 100)}% luminance); grey: not covered`
    : 'no neutral faces: no difference row', 10, row2 - 7);

  const tile = createCanvas(UV_SIZE, UV_SIZE);
  const tctx = tile.getContext('2d');
  const paint = (x0: number, y0: number, background: [number, number, number], colour: (p: number) => [number, number, number] | undefined) => {
    const img = tctx.createImageData(UV_SIZE, UV_SIZE);
    for (let p = 0; p < UV_SIZE * UV_SIZE; p++) {
      const c = colour(p) ?? background;
      img.data[p * 4] = c[0]; img.data[p * 4 + 1] = c[1]; img.data[p * 4 + 2] = c[2]; img.data[p * 4 + 3] = 255;
    }
    tctx.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(tile, x0, y0, PANEL, PANEL);
    drawLines(ctx, x0, y0);
  };

  shown.forEach((p, i) => {
    const x0 = GAP + i * (PANEL + GAP);
    const ok = (q: number) => p.covered![q]! >= MIN_COVERED_SHARE;
    paint(x0, row1, [196, 226, 204], (q) => {
      if (!ok(q)) return undefined;
      const g = Math.round(255 * Math.max(0, Math.min(1, 0.5 + p.mean![q]! / (2 * SHADING_RANGE))));
      return [g, g, g];
    });
    ctx.fillStyle = '#111111';
    ctx.font = 'bold 14px "DejaVu Sans", sans-serif';
    ctx.fillText(p.name, x0 + 2, row1 + PANEL + 16);
    ctx.font = '12px "DejaVu Sans", sans-serif';
    ctx.fillStyle = '#555555';
    ctx.fillText(`n = ${p.n}`, x0 + PANEL - 70, row1 + PANEL + 16);
    if (!neutral) return;
    paint(x0, row2, [200, 200, 200], (q) => {
      if (!ok(q) || neutral.covered![q]! < MIN_COVERED_SHARE) return undefined;
      return diverging((p.mean![q]! - neutral.mean![q]!) / DIFFERENCE_RANGE);
    });
    ctx.fillStyle = '#111111';
    ctx.font = 'bold 14px "DejaVu Sans", sans-serif';
    ctx.fillText(`${p.name} − neutral`, x0 + 2, row2 + PANEL + 16);
  });
  ctx.fillStyle = '#666666';
  ctx.font = '11px "DejaVu Sans", sans-serif';
  ctx.fillText("EmoteBot data pipeline: each face's luminance unwrapped into MediaPipe's canonical UV layout (v down; the subject's left on image right), lighting-normalised per face.", 10, H - 14);
  return new Uint8Array(await canvas.encode('png'));
}

function drawLines(ctx: SKRSContext2D, x0: number, y0: number): void {
  ctx.strokeStyle = 'rgba(0, 150, 60, 0.45)';
  ctx.lineWidth = 0.8;
  for (const line of LINES) {
    ctx.beginPath();
    line.forEach((idx, k) => {
      const x = x0 + CANONICAL_UVS[idx * 2]! * PANEL, y = y0 + CANONICAL_UVS[idx * 2 + 1]! * PANEL;
      if (k === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    });
    if (line === FACE_OVAL) ctx.closePath();
    ctx.stroke();
  }
}
