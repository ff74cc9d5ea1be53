/**
 * The motion report's pictures (PNG, @napi-rs/canvas): training curves, real against generated
 * trajectories of held-out clips, held-out transitions' progress, and the prototypes' per-unit
 * curves (which unit leads). Plain line charts; no logic beyond drawing.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Canvas, createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { codeFromEmotions, ACTION_UNITS, AU_COUNT } from '../core/rig.ts';
import type { Emotion } from '../core/emotions.ts';
import { codeDistanceMm } from './motion-data.ts';
import { easeMaker, type Replay, type RuntimeMaker, type TransitionCase, generate, shapeOf } from './motion-eval.ts';

const D = AU_COUNT;
const COLORS = { real: '#222222', gru: '#1f6fd1', ease: '#e07b16', val: '#c0392b', train: '#1f6fd1' };

interface Series { xs: ArrayLike<number>; ys: ArrayLike<number>; color: string; width?: number; dash?: number[]; label?: string }

function chart(ctx: SKRSContext2D, x: number, y: number, w: number, h: number, series: Series[], o: { title: string; xlabel?: string; ylabel?: string; marks?: number[]; yMin?: number; legendInside?: boolean }): void {
  let x0 = Infinity, x1 = -Infinity, y0 = o.yMin ?? Infinity, y1 = -Infinity;
  for (const s of series) for (let i = 0; i < s.xs.length; i++) {
    const a = s.xs[i]!, b = s.ys[i]!;
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    x0 = Math.min(x0, a); x1 = Math.max(x1, a); y0 = Math.min(y0, b); y1 = Math.max(y1, b);
  }
  if (!(x1 > x0)) { x0 = 0; x1 = 1; }
  if (!(y1 > y0)) { y1 = y0 + 1; }
  const pad = (y1 - y0) * 0.08;
  y0 -= o.yMin === undefined ? pad : 0; y1 += pad;
  const hasLegend = !o.legendInside && series.some((q) => q.label);
  const L = x + 46, R = x + w - 8, T = y + (hasLegend ? 34 : 22), B = y + h - 26;
  const px = (v: number) => L + ((v - x0) / (x1 - x0)) * (R - L);
  const py = (v: number) => B - ((v - y0) / (y1 - y0)) * (B - T);
  ctx.fillStyle = '#ffffff'; ctx.fillRect(x, y, w, h);
  ctx.strokeStyle = '#dddddd'; ctx.lineWidth = 1; ctx.setLineDash([]);
  ctx.fillStyle = '#555555'; ctx.font = '10px sans-serif';
  for (let k = 0; k <= 4; k++) {
    const vy = y0 + ((y1 - y0) * k) / 4, vx = x0 + ((x1 - x0) * k) / 4;
    ctx.beginPath(); ctx.moveTo(L, py(vy)); ctx.lineTo(R, py(vy)); ctx.stroke();
    ctx.fillText(Math.abs(vy) >= 100 ? vy.toFixed(0) : vy.toFixed(2), x + 4, py(vy) + 3);
    const label = Math.abs(vx) >= 100 ? vx.toFixed(0) : vx.toFixed(1);
    ctx.fillText(label, k === 4 ? R - ctx.measureText(label).width : px(vx) - 8, B + 12);
  }
  ctx.strokeStyle = '#cccccc';
  for (const m of o.marks ?? []) { ctx.beginPath(); ctx.moveTo(px(m), T); ctx.lineTo(px(m), B); ctx.stroke(); }
  ctx.strokeStyle = '#999999'; ctx.strokeRect(L, T, R - L, B - T);
  for (const s of series) {
    ctx.strokeStyle = s.color; ctx.lineWidth = s.width ?? 1.5; ctx.setLineDash(s.dash ?? []);
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < s.xs.length; i++) {
      const a = s.xs[i]!, b = s.ys[i]!;
      if (!Number.isFinite(a) || !Number.isFinite(b)) { pen = false; continue; }
      if (pen) ctx.lineTo(px(a), py(b)); else ctx.moveTo(px(a), py(b));
      pen = true;
    }
    ctx.stroke();
  }
  ctx.setLineDash([]);
  ctx.fillStyle = '#111111'; ctx.font = 'bold 11px sans-serif'; ctx.fillText(o.title, L, y + 14);
  ctx.font = '10px sans-serif'; ctx.fillStyle = '#555555';
  if (o.xlabel) ctx.fillText(o.xlabel, R - ctx.measureText(o.xlabel).width, B + 23);
  // Legend: right of the title, or stacked inside the plot's lower right corner.
  let lx = R, ly = y + 25;
  for (const s of [...series].reverse()) {
    if (!s.label) continue;
    const tw = ctx.measureText(s.label).width;
    if (o.legendInside) { lx = R - tw - 26; ly = ly === y + 25 ? B - 8 : ly - 13; } else lx -= tw + 26;
    ctx.strokeStyle = s.color; ctx.lineWidth = 2; ctx.setLineDash(s.dash ?? []);
    ctx.beginPath(); ctx.moveTo(lx, ly); ctx.lineTo(lx + 16, ly); ctx.stroke(); ctx.setLineDash([]);
    ctx.fillText(s.label, lx + 19, ly + 3);
  }
}

async function save(canvas: Canvas, file: string): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, await canvas.encode('png'));
  return file;
}

export async function lossPng(file: string, history: readonly { iteration: number; train: number; val: number | null }[]): Promise<string> {
  const c = createCanvas(640, 320);
  const ctx = c.getContext('2d');
  chart(ctx, 0, 0, 640, 320, [
    { xs: history.map((h) => h.iteration), ys: history.map((h) => h.train), color: COLORS.train, label: 'training (augmented, free-running)' },
    { xs: history.map((h) => h.iteration), ys: history.map((h) => h.val ?? NaN), color: COLORS.val, label: 'held-out clips' },
  ], { title: 'motion GRU: RMS landmark error of free-running rollouts (mm)', xlabel: 'optimiser step', yMin: 0 });
  return save(c, file);
}

/** Real against generated codes over a whole held-out clip: the units that move most, and the landmark distance from rest. */
export async function replayPng(file: string, G: Float64Array, r: Replay): Promise<string> {
  const n = Math.floor(r.real.length / D);
  const variance = Array.from({ length: D }, (_, d) => {
    let m = 0, s = 0;
    for (let k = 0; k < n; k++) m += r.real[k * D + d]!;
    m /= Math.max(n, 1);
    for (let k = 0; k < n; k++) s += (r.real[k * D + d]! - m) ** 2;
    return { d, s };
  }).sort((a, b) => b.s - a.s).slice(0, 4).map((v) => v.d);
  const W = 1100, PH = 150;
  const c = createCanvas(W, PH * 5);
  const ctx = c.getContext('2d');
  const t = Array.from(r.stepTime);
  const marks = r.transitions.map((tr) => r.stepTime[tr.start]!);
  const broken = (a: Float32Array, d: number) => {
    const ys = new Float64Array(n);
    for (let k = 0; k < n; k++) ys[k] = a[k * D + d]!;
    for (const run of r.runs.slice(1)) ys[run.start] = NaN;
    return ys;
  };
  const mag = (a: Float32Array) => {
    const ys = new Float64Array(n);
    for (let k = 0; k < n; k++) ys[k] = codeDistanceMm(G, a, null, k * D);
    for (const run of r.runs.slice(1)) ys[run.start] = NaN;
    return ys;
  };
  chart(ctx, 0, 0, W, PH, [
    { xs: t, ys: mag(r.real), color: COLORS.real, width: 2, label: 'real' },
    { xs: t, ys: mag(r.gru), color: COLORS.gru, label: `GRU (${r.errorGru.toFixed(3)} mm)` },
    { xs: t, ys: mag(r.ease), color: COLORS.ease, dash: [5, 3], label: `ease (${r.errorEase.toFixed(3)} mm)` },
  ], { title: `${path.basename(r.clip)} (held out): expression (landmark RMS from the clip's neutral, mm); grey lines: triggers at detected transitions`, marks, yMin: 0 });
  variance.forEach((d, i) => {
    chart(ctx, 0, PH * (i + 1), W, PH, [
      { xs: t, ys: broken(r.real, d), color: COLORS.real, width: 2, label: 'real' },
      { xs: t, ys: broken(r.gru, d), color: COLORS.gru, label: 'GRU' },
      { xs: t, ys: broken(r.ease, d), color: COLORS.ease, dash: [5, 3], label: 'ease' },
    ], { title: `${ACTION_UNITS[d]} activation`, marks, xlabel: i === 3 ? 'seconds' : '', yMin: 0 });
  });
  return save(c, file);
}

/** Progress (0 start, 1 target) of held-out transitions: real against both runtimes. */
export async function transitionsPng(file: string, G: Float64Array, cases: readonly TransitionCase[], gru: RuntimeMaker): Promise<string> {
  const pick = [...cases].sort((a, b) => b.amplitude - a.amplitude).slice(0, 12);
  const cols = 4, rows = Math.max(1, Math.ceil(pick.length / cols)), W = 300, H = 200;
  const c = createCanvas(W * cols, H * rows);
  const ctx = c.getContext('2d');
  const progress = (xs: Float32Array, goal: Float32Array) => {
    const n = Math.floor(xs.length / D);
    const dg = new Float64Array(D);
    for (let d = 0; d < D; d++) dg[d] = goal[d]! - xs[d]!;
    let den = 0;
    for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) den += dg[a]! * G[a * D + b]! * dg[b]!;
    return Array.from({ length: n }, (_, k) => {
      let num = 0;
      for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) num += (xs[k * D + a]! - xs[a]!) * G[a * D + b]! * dg[b]!;
      return den > 0 ? num / den : 0;
    });
  };
  pick.forEach((cs, i) => {
    const g = generate(gru, cs), e = generate(easeMaker, cs);
    const t = Array.from({ length: cs.steps + 1 }, (_, k) => k * cs.dt);
    const sr = shapeOf(G, cs.real, cs.goal, cs.dt), sg = shapeOf(G, g, cs.goal, cs.dt);
    chart(ctx, (i % cols) * W, Math.floor(i / cols) * H, W, H, [
      { xs: t, ys: progress(cs.real, cs.goal), color: COLORS.real, width: 2, label: 'real' },
      { xs: t, ys: progress(g, cs.goal), color: COLORS.gru, label: 'GRU' },
      { xs: t, ys: progress(e, cs.goal), color: COLORS.ease, dash: [5, 3], label: 'ease' },
    ], { title: `${cs.kind} ${cs.amplitude.toFixed(1)} mm; 10-90%: real ${fmt(sr.duration)}, GRU ${fmt(sg.duration)} ms`, xlabel: 's', legendInside: true });
  });
  return save(c, file);
}

const fmt = (x: number | null) => (x === null ? 'n/a' : `${Math.round(x * 1000)}`);

/** Per-unit curves of neutral -> emotion (held 2.5 s) -> neutral, GRU and ease. */
export async function prototypesPng(file: string, gru: RuntimeMaker, emotions: readonly Emotion[] = ['happy', 'surprised', 'sad', 'angry']): Promise<string> {
  const W = 560, H = 220;
  const c = createCanvas(W * 2, H * emotions.length);
  const ctx = c.getContext('2d');
  const palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];
  emotions.forEach((emotion, row) => {
    const code = codeFromEmotions({ [emotion]: 1 }, 1);
    const units = Array.from({ length: D }, (_, d) => d).filter((d) => code[d]! > 0.05);
    [['GRU', gru], ['ease', easeMaker]].forEach(([name, make], col) => {
      const rt = (make as RuntimeMaker)(new Float64Array(D), () => code);
      rt.trigger(0.2, [{ weights: {}, intensity: 1, start: 0, duration: 2.5 }]);
      const ts: number[] = [];
      const ys: number[][] = units.map(() => []);
      for (let t = 0; t <= 5.5; t += 1 / 120) {
        const f = rt.evaluate(t).code;
        ts.push(t);
        units.forEach((d, i) => ys[i]!.push(f[d]! / code[d]!));
      }
      chart(ctx, col * W, row * H, W, H, units.map((d, i) => ({ xs: ts, ys: ys[i]!, color: palette[i % palette.length]!, label: ACTION_UNITS[d] })),
        { title: `${name}: ${emotion} (each unit over its target)`, xlabel: 'seconds', yMin: 0 });
    });
  });
  return save(c, file);
}
