/**
 * The learned expressions' report: line charts (loss curves, validation), a contact sheet of
 * generated expressions, and the tables `emotebot train expressions` and `eval expressions` print.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { whiteCanvas } from '../export/canvas.ts';
import { createCanvas, ImageData as NapiImageData } from '@napi-rs/canvas';
import sharp from 'sharp';
import type { Emotion } from '../core/emotions.ts';
import type { EvalReport, SpaceFigures } from './expression-eval.ts';

/** A training report's folder (made when missing): `write` saves a file in it and `files` lists what was written. */
export async function reportFolder(dir: string): Promise<{ files: string[]; write(name: string, data: Uint8Array | string): Promise<void> }> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  return { files, async write(name, data) { const f = path.join(dir, name); await writeFile(f, data); files.push(f); } };
}

export interface Series { name: string; colour: string; points: [number, number][] }

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
export const colour = (k: number): string => PALETTE[k % PALETTE.length]!;

/** A line chart as a PNG: one or more series, linear axes, a legend. */
export async function lineChartPng(title: string, xLabel: string, series: readonly Series[], o: { width?: number; height?: number; yLabel?: string } = {}): Promise<Buffer> {
  const W = o.width ?? 720, H = o.height ?? 360;
  const L = 64, R = 16, T = 36, Bm = 44;
  const { canvas, ctx } = whiteCanvas(W, H);
  const pts = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  let x0 = Math.min(...pts.map((p) => p[0])), x1 = Math.max(...pts.map((p) => p[0]));
  let y0 = Math.min(...pts.map((p) => p[1])), y1 = Math.max(...pts.map((p) => p[1]));
  if (!pts.length) { x0 = 0; x1 = 1; y0 = 0; y1 = 1; }
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) { y1 = y0 + 1; }
  const pad = (y1 - y0) * 0.05;
  y0 -= pad; y1 += pad;
  const px = (x: number) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const py = (y: number) => T + (1 - (y - y0) / (y1 - y0)) * (H - T - Bm);
  ctx.strokeStyle = '#dddddd';
  ctx.fillStyle = '#444444';
  ctx.font = '11px sans-serif';
  ctx.lineWidth = 1;
  for (let k = 0; k <= 5; k++) {
    const y = y0 + ((y1 - y0) * k) / 5;
    ctx.beginPath(); ctx.moveTo(L, py(y)); ctx.lineTo(W - R, py(y)); ctx.stroke();
    ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
    ctx.fillText(Math.abs(y) >= 100 ? y.toFixed(0) : y.toPrecision(3), L - 6, py(y));
    const x = x0 + ((x1 - x0) * k) / 5;
    ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    ctx.fillText(Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3), px(x), H - Bm + 6);
  }
  ctx.fillStyle = '#222222';
  ctx.font = 'bold 14px sans-serif';
  ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
  ctx.fillText(title, L, 18);
  ctx.font = '12px sans-serif';
  ctx.textAlign = 'center';
  ctx.fillText(xLabel, (L + W - R) / 2, H - 12);
  if (o.yLabel) { ctx.save(); ctx.translate(14, (T + H - Bm) / 2); ctx.rotate(-Math.PI / 2); ctx.fillText(o.yLabel, 0, 0); ctx.restore(); }
  series.forEach((s, k) => {
    ctx.strokeStyle = s.colour;
    ctx.lineWidth = 1.8;
    ctx.beginPath();
    let started = false;
    for (const [x, y] of s.points) {
      if (!Number.isFinite(y)) continue;
      if (!started) { ctx.moveTo(px(x), py(y)); started = true; } else ctx.lineTo(px(x), py(y));
    }
    ctx.stroke();
    ctx.fillStyle = s.colour;
    ctx.fillRect(W - R - 170, T + 6 + k * 16, 12, 3);
    ctx.fillStyle = '#222222';
    ctx.font = '11px sans-serif';
    ctx.textAlign = 'left';
    ctx.fillText(s.name, W - R - 152, T + 8 + k * 16);
  });
  return canvas.encode('png');
}

/** The losses of a conditional GAN run (expression-train.ts StepLog), as a PNG. */
export function ganLossPng(title: string, history: readonly { step: number; dLoss: number; gLoss: number; r1: number }[]): Promise<Buffer> {
  return lineChartPng(title, 'step', [
    { name: 'discriminator', colour: colour(0), points: history.map((h) => [h.step, h.dLoss]) },
    { name: 'generator', colour: colour(1), points: history.map((h) => [h.step, h.gLoss]) },
    { name: 'R1 penalty', colour: colour(2), points: history.map((h) => [h.step, h.r1]) },
  ]);
}

/** The dev-part validation of a GAN run: the mean score and one line per emotion, as a PNG. */
export function validationPng(title: string, history: readonly { step: number; score: number; perEmotion: Record<string, number> }[], emotions: readonly string[]): Promise<Buffer> {
  return lineChartPng(title, 'step', [
    { name: 'mean', colour: '#000000', points: history.map((d) => [d.step, d.score]) },
    ...emotions.map((e, k) => ({ name: e, colour: colour(k), points: history.map((d) => [d.step, d.perEmotion[e] ?? NaN] as [number, number]) })),
  ]);
}

/** A grid of square RGBA renders with row and column titles, as a PNG. */
export async function gridPng(title: string, columns: readonly string[], rows: readonly { title: string; cells: (Uint8ClampedArray | null)[] }[], side: number, cell = 150): Promise<Buffer> {
  const HEAD = 52, ROWH = 110;
  const W = ROWH + columns.length * cell, H = HEAD + rows.length * cell;
  const canvas = createCanvas(W, H);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, W, H);
  ctx.fillStyle = '#222222';
  ctx.font = 'bold 14px sans-serif';
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  ctx.fillText(title, 8, 14);
  ctx.font = '12px sans-serif';
  ctx.textAlign = 'center';
  columns.forEach((c, k) => ctx.fillText(c, ROWH + k * cell + cell / 2, HEAD - 14));
  const tile = createCanvas(cell, cell);
  const tctx = tile.getContext('2d');
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const y = HEAD + r * cell;
    ctx.fillStyle = '#222222';
    ctx.font = 'bold 13px sans-serif';
    ctx.textAlign = 'left';
    ctx.fillText(row.title, 8, y + cell / 2);
    for (let k = 0; k < row.cells.length; k++) {
      const rgba = row.cells[k];
      const x = ROWH + k * cell;
      if (!rgba) { ctx.fillStyle = '#eeeeee'; ctx.fillRect(x + 2, y + 2, cell - 4, cell - 4); continue; }
      const small = await sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width: side, height: side, channels: 4 } }).resize(cell, cell, { kernel: 'lanczos3' }).raw().toBuffer();
      tctx.putImageData(new NapiImageData(new Uint8ClampedArray(small.buffer, small.byteOffset, small.byteLength), cell, cell), 0, 0);
      ctx.drawImage(tile, x, y);
    }
  }
  return canvas.encode('png');
}

// ---------------------------------------------------------------------------------------------
// Tables

const pct = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '   -  ' : `${(v * 100).toFixed(1).padStart(5)}%`);
const num = (v: number | null | undefined, d = 3) => (v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d));

export function evalTable(r: EvalReport): string {
  const lines: string[] = [];
  const lc = r.landmarkClassifier;
  lines.push('Recognisability: landmark classifier trained on real train-split faces only; recall on held-out (val) faces.');
  lines.push(`  generated: held-out neutral faces moved by a code (${lc.generatedPerEmotion} per emotion). "real codes": real val codes of the emotion moved onto those faces`);
  lines.push(`  by the rig's fields (the ceiling for a code generator without the learned shape). GAN at intensity 1 with run-time noise τ = ${lc.noiseScale}, as shipped`);
  lines.push('  (fields plus the learned shape), "fields": the same codes by the fields alone; τ = 0 and τ = 1; "data t": the real faces\' own intensities; rig: fields only.');
  lines.push('  emotion     val faces    real  real codes  GAN t=1  fields   τ = 0   τ = 1  GAN data t  rig t=1');
  for (const f of r.emotions) {
    const q = f.recall;
    lines.push(`  ${f.emotion.padEnd(10)} ${String(f.valFaces).padStart(10)}  ${pct(q.real)}    ${pct(q.transplant)}   ${pct(q.gan)}  ${pct(q.ganFields)}  ${pct(q.ganTau0)}  ${pct(q.ganTau1)}     ${pct(q.ganMatched)}   ${pct(q.rig)}${f.learned ? '' : '  (rig prototype: the manifest\'s fallback says why)'}`);
  }
  lines.push(`  ${'neutral'.padEnd(10)} ${String(lc.real.n - r.emotions.reduce((s, f) => s + (r.classes.includes(f.emotion) ? f.valFaces : 0), 0)).padStart(10)}  ${pct(lc.real.perEmotion.neutral)}`);
  lines.push(`  balanced accuracy: real ${pct(lc.real.balanced)} (${r.classes.length} classes); over the generated emotions: real codes ${pct(lc.transplant.balanced)}, GAN t=1 ${pct(lc.gan.balanced)} (fields only ${pct(lc.ganFields.balanced)}, τ=0 ${pct(lc.ganTau0.balanced)}, τ=1 ${pct(lc.ganTau1.balanced)}), GAN data t ${pct(lc.ganMatched.balanced)}, rig ${pct(lc.rig.balanced)}`);
  lines.push('');
  lines.push('Realism: Fréchet distance of codes to one half of the held-out real faces (lower is better; "real half" is the other half: the floor).');
  lines.push('Diversity: mean pairwise distance between codes of one emotion (real val faces; GAN at the data\'s intensities; GAN run-time codes at t=1 over seeds; rig).');
  lines.push('  emotion    | Fréchet: real half     GAN      rig | diversity: real     GAN  GAN t=1     rig');
  for (const f of r.emotions) {
    lines.push(`  ${f.emotion.padEnd(10)} | ${num(f.frechet.realHalves).padStart(17)} ${num(f.frechet.gan).padStart(7)} ${num(f.frechet.rig).padStart(8)} | ${num(f.diversity.real).padStart(15)} ${num(f.diversity.gan).padStart(7)} ${num(f.diversity.runtime).padStart(8)} ${num(f.diversity.rig).padStart(7)}`);
  }
  const s = r.summary;
  lines.push(`  mean over learned emotions: Fréchet real halves ${num(s.frechetRealHalves)}, GAN ${num(s.frechetGan)}, rig ${num(s.frechetRig)}; diversity real ${num(s.diversityReal)}, GAN ${num(s.diversityGan)}`);
  return lines.join('\n');
}

export function spaceTable(rows: readonly { name: string; f: SpaceFigures }[], meshAccuracy: { balanced: number; perEmotion: Partial<Record<Emotion, number | null>> }): string {
  const lines: string[] = [];
  lines.push('Expression space: label information kept and identity leaking in (val faces; classifier recipe identical for mesh and code).');
  lines.push(`  full aligned mesh (1404 numbers): balanced accuracy ${pct(meshAccuracy.balanced)}`);
  lines.push('  code acc.: balanced accuracy of the classifier on the code. neutral var: share of the codes\' variance found among neutral faces alone.');
  lines.push('  identity R²: code predicted from 30 raw identity coordinates of neutral faces. person ICC: codes of one person\'s neutral photos (val, unseen');
  lines.push('  people) alike beyond chance, code / mesh. clip ICC: the same by video clip (one person each, many expressions), code / mesh.');
  lines.push('  space                          code acc.  neutral var  identity R²  person ICC (code / mesh)  clip ICC (code / mesh)');
  for (const { name, f } of rows) {
    const person = f.people ? `${num(f.people.codeIcc)} / ${num(f.people.meshIcc)} (${f.people.persons} people)` : '-';
    const clip = f.video ? `${num(f.video.betweenClipsCode)} / ${num(f.video.betweenClipsMesh)} (${f.video.clips} clips)` : '-';
    lines.push(`  ${name.padEnd(30)} ${pct(f.codeAccuracy.balanced)}    ${num(f.neutralVarianceShare).padStart(8)}     ${num(f.identityR2).padStart(8)}   ${person.padEnd(26)} ${clip}`);
  }
  const main = rows[0]?.f;
  if (main) {
    lines.push('  fit residual (median RMS per point, cm) against the face\'s departure from the mean neutral face; share of the class-mean difference the fields explain:');
    for (const [e, r] of Object.entries(main.residual)) {
      const ex = main.classMeanExplained[e as Emotion];
      lines.push(`    ${e.padEnd(10)} residual ${num(r.fit)}  departure ${num(r.departure)}${ex === undefined ? '' : `  class mean explained ${pct(ex)}`}`);
    }
  }
  return lines.join('\n');
}
