/**
 * The mean aligned face per emotion, side by side, as a PNG (edge: @napi-rs/canvas). Row one: the
 * mean mesh of each emotion, front view. Row two: the neutral mean (blue) against the emotion's
 * mean with its difference from neutral exaggerated four times (red), so that where "happy" and
 * "sad" differ can be seen at a glance.
 */
import { whiteCanvas } from '../export/canvas.ts';
import type { SKRSContext2D } from '@napi-rs/canvas';
import {
  CANONICAL_TRIANGLES, FACE_OVAL, LEFT_BROW, LEFT_EYE_LOWER, LEFT_EYE_UPPER, LIPS_INNER_LOWER, LIPS_INNER_UPPER,
  LIPS_OUTER_LOWER, LIPS_OUTER_UPPER, RIGHT_BROW, RIGHT_EYE_LOWER, RIGHT_EYE_UPPER,
} from '../core/topology.ts';
import { MESH_VALUES } from './format.ts';
import type { MeanFaces } from './report.ts';

/** Feature lines: closed loops and open polylines. */
const LOOPS: readonly (readonly number[])[] = [FACE_OVAL];
const LINES: readonly (readonly number[])[] = [
  RIGHT_BROW.slice(0, 5), LEFT_BROW.slice(0, 5), RIGHT_BROW.slice(5), LEFT_BROW.slice(5),
  RIGHT_EYE_UPPER, RIGHT_EYE_LOWER, LEFT_EYE_UPPER, LEFT_EYE_LOWER,
  LIPS_OUTER_UPPER, LIPS_OUTER_LOWER, LIPS_INNER_UPPER, LIPS_INNER_LOWER,
  [168, 6, 197, 195, 5, 4, 1], [98, 97, 2, 326, 327],
];
export const EXAGGERATION = 4;

const PANEL_W = 230, PANEL_H = 250, TITLE_H = 34, ROW_LABEL_H = 22, FOOT_H = 40;

/** Draws the picture; returns PNG bytes, or undefined when no label has a face. */
export async function meanFacePicture(means: MeanFaces, vocabulary: readonly string[], title: string): Promise<Uint8Array | undefined> {
  const shown = vocabulary.map((name, l) => ({ name, l, mesh: means.mean[l], n: means.count[l] ?? 0 })).filter((p) => p.mesh !== undefined);
  if (shown.length === 0) return undefined;
  // Reference: the neutral mean, else the mean of all faces.
  let ref = shown.find((p) => p.name === 'neutral')?.mesh;
  const refName = ref ? 'neutral' : 'all faces';
  if (!ref) {
    ref = new Float64Array(MESH_VALUES);
    const total = shown.reduce((a, p) => a + p.n, 0);
    for (const p of shown) for (let k = 0; k < MESH_VALUES; k++) ref[k]! += (p.mesh![k]! * p.n) / total;
  }
  const W = PANEL_W * shown.length, H = TITLE_H + 2 * (ROW_LABEL_H + PANEL_H) + FOOT_H;
  const { canvas, ctx } = whiteCanvas(W, H);
  ctx.fillStyle = '#111111';
  ctx.font = 'bold 16px "DejaVu Sans", sans-serif';
  ctx.fillText(title, 10, 22);

  const row1 = TITLE_H + ROW_LABEL_H, row2 = row1 + PANEL_H + ROW_LABEL_H;
  ctx.font = '13px "DejaVu Sans", sans-serif';
  ctx.fillStyle = '#444444';
  ctx.fillText('mean aligned face per emotion (canonical frame, front view)', 10, row1 - 6);
  ctx.fillText(`${refName} mean (blue) and emotion mean with its difference x${EXAGGERATION} (red)`, 10, row2 - 6);

  shown.forEach((p, i) => {
    const x0 = i * PANEL_W;
    const project = projector(x0, row1);
    ctx.fillStyle = '#111111';
    ctx.font = 'bold 14px "DejaVu Sans", sans-serif';
    ctx.fillText(`${p.name}`, x0 + 10, row1 + 16);
    ctx.font = '12px "DejaVu Sans", sans-serif';
    ctx.fillStyle = '#555555';
    ctx.fillText(`n = ${p.n}`, x0 + 10, row1 + 32);
    drawWire(ctx, p.mesh!, project, 'rgba(0,0,0,0.13)');
    drawFeatures(ctx, p.mesh!, project, '#222222', 1.6);

    const project2 = projector(x0, row2);
    const ex = new Float64Array(MESH_VALUES);
    for (let k = 0; k < MESH_VALUES; k++) ex[k] = ref[k]! + EXAGGERATION * (p.mesh![k]! - ref[k]!);
    drawFeatures(ctx, ref, project2, 'rgba(40,90,220,0.85)', 1.4);
    drawFeatures(ctx, ex, project2, 'rgba(215,30,30,0.95)', 1.6);
    ctx.fillStyle = '#111111';
    ctx.font = 'bold 14px "DejaVu Sans", sans-serif';
    ctx.fillText(`${p.name}`, x0 + 10, row2 + 16);
  });
  ctx.fillStyle = '#666666';
  ctx.font = '11px "DejaVu Sans", sans-serif';
  ctx.fillText('EmoteBot data pipeline: meshes aligned to the canonical face by Procrustes on stable points; the subject\'s left is on image right.', 10, H - 14);
  return new Uint8Array(await canvas.encode('png'));
}

type Project = (mesh: Float64Array, i: number) => [number, number];

function projector(x0: number, y0: number): Project {
  const s = 12.5; // pixels per centimetre
  const cx = x0 + PANEL_W / 2, cy = y0 + PANEL_H / 2 + 8;
  return (m, i) => [cx + m[i * 3]! * s, cy - (m[i * 3 + 1]! - 0.2) * s];
}

function drawWire(ctx: SKRSContext2D, m: Float64Array, project: Project, colour: string): void {
  ctx.strokeStyle = colour;
  ctx.lineWidth = 0.6;
  ctx.beginPath();
  for (let t = 0; t < CANONICAL_TRIANGLES.length; t += 3) {
    const a = project(m, CANONICAL_TRIANGLES[t]!), b = project(m, CANONICAL_TRIANGLES[t + 1]!), c = project(m, CANONICAL_TRIANGLES[t + 2]!);
    ctx.moveTo(a[0], a[1]); ctx.lineTo(b[0], b[1]); ctx.lineTo(c[0], c[1]); ctx.closePath();
  }
  ctx.stroke();
}

function drawFeatures(ctx: SKRSContext2D, m: Float64Array, project: Project, colour: string, width: number): void {
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.lineJoin = 'round';
  for (const [set, closed] of [[LOOPS, true], [LINES, false]] as const) {
    for (const line of set) {
      ctx.beginPath();
      line.forEach((idx, k) => {
        const [x, y] = project(m, idx);
        if (k === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      });
      if (closed) ctx.closePath();
      ctx.stroke();
    }
  }
}
