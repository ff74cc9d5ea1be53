/**
 * `emotebot train motion` and `emotebot eval motion` (dispatched lazily from
 * src/models/commands.ts).
 *
 *   emotebot train motion --data datasets/face-videos.ebseq --out models/motion-gru [--report reports/motion]
 *   emotebot eval motion --data datasets/face-videos.ebseq [--model models/motion-gru] [--report dir] [--json]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EmoteBotError } from '../core/errors.ts';
import { AU_COUNT, createExpressionRig } from '../core/rig.ts';
import { createRng } from '../core/rng.ts';
import { readSequences } from '../data/files.ts';
import type { LearnedMotionModel } from '../motion/learned-animator.ts';
import { type BlinkStats, LITERATURE_BLINKS, measuredShare } from '../motion/learned-blink.ts';
import { createScratch, step } from '../motion/learned-gru.ts';
import { basisGram, blinkFigures, type MeasuredBlinkFigures, type PreparedClip, prepareClip, warpClip } from './motion-data.ts';
import { evaluateMotion, fitRestHead, fitStartWarps, fitTimeScales, formatEvaluation, gruMaker, type HeadRestFit, type MotionEvaluation, replays, type StartWarpFit, transitionCases } from './motion-eval.ts';
import { loadMotionModel, saveMotionModel, SHIPPED_MOTION_MODEL_DIR } from './motion-files.ts';
import { lossPng, prototypesPng, replayPng, transitionsPng } from './motion-report.ts';
import { trainMotion } from './motion-train.ts';
import { numberOption } from '../cli/options.ts';

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export const TRAIN_MOTION_HELP = `emotebot train motion --data <sequences.ebseq> [--out <model dir>] [options]

Trains the motion GRU on face-video sequences (emotebot data prepare-video) in tfjs (wasm).
  --data <file>        the sequences file (default datasets/face-videos.ebseq)
  --out <dir>          where the model goes (default models/motion-gru)
  --report <dir>       report: PNG curves, report.txt, report.json (default reports/motion)
  --holdout <list>     clips never trained on, by file name or identity, comma-separated
                       (default: 3 clips drawn with the seed)
  --iterations <n>     optimiser steps (default 1500)
  --hidden <n>         GRU units (default 32)
  --minutes <m>        stop training early so the whole command stays within this (default 15)
  --seed <n>           seed for the split, initial weights and batches (default 1)
  --quiet              no progress`;

export const EVAL_MOTION_HELP = `emotebot eval motion --data <sequences.ebseq> [--model <dir>] [--report <dir>] [--json] [--head]

Measures the motion GRU beside the eased baseline on the clips the model never saw (the
held-out list in its manifest, or --holdout).
  --head               also fit head motion at rest over all clips (the idle layer's numbers,
                       src/motion/idle.ts): RMS, detector noise and sine amplitudes per band`;

/** The head-at-rest fit as text: what src/motion/idle.ts holds. */
export function formatHeadFit(h: HeadRestFit): string {
  const r = (x: number, d = 3) => x.toFixed(d);
  const lines = [`head motion at rest, all ${h.clips} clips: ${h.spans} rest stretches, ${r(h.seconds, 1)} s; bands ${h.bands.join(', ')} Hz`];
  for (const ax of ['yaw', 'pitch', 'roll'] as const) {
    const a = h[ax];
    lines.push(`  ${ax.padEnd(5)} RMS ${r(a.rms)} deg, detector noise ${r(a.noise)} deg, amplitudes [${a.amplitudes.map((x) => r(x, 4)).join(', ')}] deg`);
  }
  return lines.join('\n');
}

const DEFAULT_DATA = 'datasets/face-videos.ebseq';
const RATES = [0.8, 0.9, 1, 1.1, 1.25];

interface Loaded { clips: PreparedClip[]; skipped: string[]; G: Float64Array }

async function loadClips(file: string, io: Io, quiet: boolean): Promise<Loaded> {
  const seq = await readSequences(file);
  const rig = createExpressionRig();
  const G = basisGram(rig.basis);
  const clips: PreparedClip[] = [];
  const skipped: string[] = [];
  for (const [i, c] of seq.clips.entries()) {
    const p = prepareClip(c, { basis: rig.basis });
    if (!p) { skipped.push(c.info.source); continue; }
    clips.push(p);
    if (!quiet) io.err(`motion: clip ${i + 1}/${seq.clips.length} ${c.info.source}: ${p.seconds.toFixed(1)} s, ${p.transitions.length} transitions, ${p.eyeEvents.filter((e) => e.kind === 'blink').length} blinks`);
  }
  if (clips.length < 2) throw new EmoteBotError('bad-argument', `${file} has ${clips.length} usable clip(s); training needs at least 2`);
  return { clips, skipped, G };
}

const clipName = (c: PreparedClip) => path.basename(c.source);

function pickHoldout(clips: readonly PreparedClip[], list: string | undefined, seed: number): Set<string> {
  if (list !== undefined) {
    const want = list.split(',').map((s) => s.trim()).filter(Boolean);
    const out = new Set<string>();
    for (const w of want) {
      const hit = clips.filter((c) => clipName(c) === w || c.source === w || c.identity === w || clipName(c).replace(/\.[^.]+$/, '') === w);
      if (hit.length === 0) throw new EmoteBotError('bad-argument', `--holdout: no clip called "${w}" (clips: ${clips.map(clipName).join(', ')})`);
      for (const h of hit) out.add(h.source);
    }
    if (out.size >= clips.length) throw new EmoteBotError('bad-argument', '--holdout leaves no clip to train on');
    return out;
  }
  // By identity: every clip of a held-out person is held out. About a quarter of the clips.
  const ids = [...new Set(clips.map((c) => c.identity))].sort();
  const rng = createRng(seed ^ 0x2545f491);
  for (let i = ids.length - 1; i > 0; i--) { const j = Math.floor(rng() * (i + 1)); [ids[i], ids[j]] = [ids[j]!, ids[i]!]; }
  const target = Math.max(1, Math.round(clips.length / 4));
  const out = new Set<string>();
  for (const id of ids) {
    if (out.size >= target) break;
    for (const c of clips) if (c.identity === id) out.add(c.source);
  }
  return out;
}

/**
 * The blink model's statistics from measured figures (training clips). Durations in the videos
 * are measured where closure is above 20% of its peak (detectEyeEvents); the schedule's durations
 * are whole blinks, so they are scaled by the share of a whole blink such a detector sees, and the
 * generated blinks measure as the real ones do.
 */
export function blinkStatsFrom(f: MeasuredBlinkFigures): BlinkStats {
  if (f.count < 3) return { ...LITERATURE_BLINKS };
  const gaps = [...f.gaps].sort((a, b) => a - b);
  const refractory = gaps.length >= 3 ? Math.min(Math.max(gaps[Math.floor(gaps.length * 0.05)]!, 0.3), 2) : LITERATURE_BLINKS.refractory;
  const holdFraction = Math.min(Math.max(f.holdFraction, 0), 0.3);
  const whole = 1 / measuredShare(holdFraction, 0.2);
  return {
    perMinute: f.perMinute, refractory,
    durationMedian: f.duration.median * whole, durationLogSd: Math.min(Math.max(f.duration.logSd, 0.05), 0.6),
    // The tails are clipped to the 10th and 90th percentiles: the shortest and longest events in
    // the videos are partly detection noise (two-frame dips) and slow, deliberate closures.
    durationMin: Math.min(Math.max(f.duration.p10, 0.08), 0.2) * whole, durationMax: Math.min(Math.max(f.duration.p90, 0.25), 0.5) * whole,
    closeFraction: Math.min(Math.max(f.closeFraction, 0.15), 0.6), holdFraction,
  };
}

/** Microseconds per GRU step, median of a few timed runs (a figure for the report, never a test). */
export function stepMicros(model: LearnedMotionModel): number {
  const net = model.net;
  const h = new Float32Array(net.hidden), s = createScratch(net);
  const x = new Float64Array(AU_COUNT), v = new Float64Array(AU_COUNT), g = new Float64Array(AU_COUNT).fill(0.5), next = new Float64Array(AU_COUNT);
  const times: number[] = [];
  for (let r = 0; r < 7; r++) {
    const n = 2000;
    const t0 = performance.now();
    for (let k = 0; k < n; k++) { step(net, h, x, v, g, k * net.dt, next, s); x.set(next); }
    times.push(((performance.now() - t0) * 1000) / n);
  }
  times.sort((a, b) => a - b);
  return times[3]!;
}

async function writeReport(dir: string, G: Float64Array, model: LearnedMotionModel, heldOut: PreparedClip[], evaluation: MotionEvaluation, history: { iteration: number; train: number; val: number | null }[] | null): Promise<string[]> {
  const files: string[] = [];
  await mkdir(dir, { recursive: true });
  if (history) files.push(await lossPng(path.join(dir, 'loss.png'), history));
  const gru = gruMaker(model);
  for (const r of replays(G, gru, heldOut)) files.push(await replayPng(path.join(dir, `heldout-${path.basename(r.clip).replace(/\.[^.]+$/, '')}.png`), G, r));
  files.push(await transitionsPng(path.join(dir, 'transitions.png'), G, transitionCases(heldOut), gru));
  files.push(await prototypesPng(path.join(dir, 'prototypes.png'), gru));
  const text = formatEvaluation(evaluation);
  await writeFile(path.join(dir, 'report.txt'), text + '\n');
  await writeFile(path.join(dir, 'report.json'), JSON.stringify({ evaluation: { ...evaluation, blinks: { ...evaluation.blinks, data: { ...evaluation.blinks.data, durations: undefined, gaps: undefined } } }, history }, null, 1) + '\n');
  files.push(path.join(dir, 'report.txt'), path.join(dir, 'report.json'));
  return files;
}

function startFigures(f: StartWarpFit['real']): Record<string, unknown> {
  const r = (x: number | null) => (x === null ? null : Number(x.toFixed(4)));
  return Object.fromEntries(Object.entries(f).map(([k, v]) => [k, { toTenPercentSeconds: r(v.start.median), peakShare: r(v.peak.median), seconds: r(v.duration.median), count: v.peak.count }]));
}

function meanOrNull(xs: readonly (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

function compactEvaluation(e: MotionEvaluation): Record<string, unknown> {
  const r = (x: number | null | undefined, d = 3) => (x === null || x === undefined || !Number.isFinite(x) ? null : Number(x.toFixed(d)));
  return {
    heldOut: e.heldOut,
    trajectoryMm: { gru: r(e.gru.trajectory), ease: r(e.ease.trajectory), hold: r(e.hold), jump: r(e.jump) },
    replayMm: e.replay.map((x) => ({ clip: path.basename(x.clip), gru: r(x.gru), ease: r(x.ease) })),
    peakVelocityFraction: { real: r(e.real.peakFraction.median), gru: r(e.gru.peakFraction.median), ease: r(e.ease.peakFraction.median) },
    onsetSeconds: { real: r(e.real.duration.onset.median), gru: r(e.gru.duration.onset.median), ease: r(e.ease.duration.onset.median) },
    offsetSeconds: { real: r(e.real.duration.offset.median), gru: r(e.gru.duration.offset.median), ease: r(e.ease.duration.offset.median) },
    phaseSeconds: Object.fromEntries((['onset', 'change', 'release'] as const).map((p) => [p, {
      real: r(e.real.duration.phase[p].median), gru: r(e.gru.duration.phase[p].median), ease: r(e.ease.duration.phase[p].median), count: e.real.duration.phase[p].count,
    }])),
    prototypeSeconds: {
      gru: { onset: r(meanOrNull(e.prototypes.gru.map((x) => x.onset))), release: r(meanOrNull(e.prototypes.gru.map((x) => x.release))) },
      ease: { onset: r(meanOrNull(e.prototypes.ease.map((x) => x.onset))), release: r(meanOrNull(e.prototypes.ease.map((x) => x.release))) },
    },
    headRestDeg: { realHeldOut: e.head.real?.map((x) => r(x)) ?? null, idleHalf: e.head.idleHalf.map((x) => r(x)), realAll: e.head.all?.real?.map((x) => r(x)) ?? null, idleHalfAll: e.head.all?.idleHalf.map((x) => r(x)) ?? null },
    jerkMmPerS3: { real: r(e.real.jerk.median, 0), gru: r(e.gru.jerk.median, 0), ease: r(e.ease.jerk.median, 0) },
    blinksPerMinute: { data: r(e.blinks.data.perMinute, 1), gru: r(e.blinks.gru.perMinute, 1), ease: r(e.blinks.ease.perMinute, 1) },
    blinkSeconds: { data: r(e.blinks.data.duration.median), gru: r(e.blinks.gru.duration.median), ease: r(e.blinks.ease.duration.median) },
    restJitterMm: { realRaw: r(e.rest.realRaw.jitter, 5), gru: r(e.rest.gru.jitter, 5), ease: r(e.rest.ease.jitter, 5) },
  };
}

export async function runTrainMotion(args: string[], io: Io): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) { io.out(TRAIN_MOTION_HELP); return 0; }
  const started = performance.now();
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      data: { type: 'string', default: DEFAULT_DATA }, out: { type: 'string', default: 'models/motion-gru' },
      report: { type: 'string', default: 'reports/motion' }, holdout: { type: 'string' },
      iterations: { type: 'string' }, minutes: { type: 'string' }, seed: { type: 'string' },
      hidden: { type: 'string' }, batch: { type: 'string' }, quiet: { type: 'boolean', default: false },
    },
  });
  if (positionals.length) throw new EmoteBotError('bad-argument', `unexpected argument "${positionals[0]}" (see emotebot train motion --help)`);
  const seed = numberOption('seed', values.seed, 1, 0, 2 ** 31 - 1, true);
  const iterations = numberOption('iterations', values.iterations, 1500, 1, 1e6, true);
  const minutes = numberOption('minutes', values.minutes, 15, 0.1, 24 * 60);
  const hidden = numberOption('hidden', values.hidden, 32, 4, 512, true);
  const batch = numberOption('batch', values.batch, 32, 1, 1024, true);
  const quiet = values.quiet;
  const log = (l: string) => { if (!quiet) io.err(l); };

  const { clips, skipped, G } = await loadClips(values.data, io, quiet);
  const held = pickHoldout(clips, values.holdout, seed);
  const trainClips = clips.filter((c) => !held.has(c.source));
  const heldOut = clips.filter((c) => held.has(c.source));
  log(`motion: training on ${trainClips.length} clips (${trainClips.map(clipName).join(', ')}); held out: ${heldOut.map(clipName).join(', ')}`);
  const trainBlinks = blinkFigures(trainClips);
  const blinks = blinkStatsFrom(trainBlinks);
  log(`motion: blinks in the training clips: ${trainBlinks.count} in ${(trainBlinks.seconds / 60).toFixed(1)} min (${trainBlinks.perMinute.toFixed(1)}/min), median ${(trainBlinks.duration.median * 1000).toFixed(0)} ms`);
  const warped = trainClips.flatMap((c) => RATES.map((r) => (r === 1 ? c : warpClip(c, r, G))));
  const budget = minutes * 60 - (performance.now() - started) / 1000 - 60;
  const result = await trainMotion(warped, heldOut, G, {
    seed, iterations, batch, shape: { hidden }, maxSeconds: Math.max(budget, 10), evalEvery: Math.max(10, Math.round(iterations / 28)),
    onProgress: (p) => log(`motion: step ${p.iteration}/${p.iterations}  train ${p.train.toFixed(3)} mm  held-out ${p.val === null ? 'n/a' : p.val.toFixed(3) + ' mm'}  (${p.seconds.toFixed(0)} s)`),
  });
  if (result.stoppedEarly) io.err(`motion: stopped after ${result.iterations} of ${iterations} steps to stay within ${minutes} minutes`);
  // The learned speed of each movement phase (onset from rest, change, release to rest): the net's
  // 10-90% durations against the training clips' own (at their real speed), never the held-out ones.
  const ms = (x: number | null) => (x === null ? 'n/a' : `${Math.round(x * 1000)} ms`);
  const plainFit = fitTimeScales(G, { net: result.net, blinks }, trainClips);
  // Then how each phase starts (latency and ease-in of the playback), against the training clips'
  // time to 10% and time to peak velocity, and the speeds again with those starts.
  const warpFit = fitStartWarps(G, { net: { ...result.net, timeScales: plainFit.scales }, blinks }, trainClips);
  const fit = fitTimeScales(G, { net: { ...result.net, startWarps: warpFit.warps }, blinks }, trainClips);
  const sh = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2));
  for (const p of ['onset', 'change', 'release'] as const) {
    const w = warpFit.warps[p], r = warpFit.real[p], b = warpFit.before[p], a = warpFit.after[p];
    log(`motion: ${p} start: latency ${ms(w.latency)}, ease ${ms(w.ease)}; to 10% / peak share, training clips ${ms(r.start.median)} / ${sh(r.peak.median)}, net ${ms(b.start.median)} / ${sh(b.peak.median)} -> ${ms(a.start.median)} / ${sh(a.peak.median)}`);
    log(`motion: ${p} 10-90% median, training clips ${ms(fit.real[p].median)} (n ${fit.real[p].count}), net ${ms(fit.net[p].median)}: speed ${fit.scales[p].toFixed(3)}`);
  }
  const model: LearnedMotionModel = { net: { ...result.net, timeScales: fit.scales, startWarps: warpFit.warps }, blinks };
  log('motion: measuring on the held-out clips');
  const evaluation = evaluateMotion(G, model, heldOut, blinkFigures(clips), { seed, allClips: clips });
  evaluation.stepMicros = stepMicros(model);
  const seconds = (performance.now() - started) / 1000;
  const command = ['emotebot train motion', ...args].join(' ');
  const manifest = await saveMotionModel(values.out, model, {
    created: new Date().toISOString(),
    training: {
      command, seed, seconds: Math.round(seconds),
      data: {
        file: path.basename(values.data), clips: clips.length, skipped,
        train: trainClips.map(clipName), heldOut: heldOut.map(clipName),
        trainTransitions: trainClips.reduce((a, c) => a + c.transitions.length, 0), examples: result.examples,
        seconds: Math.round(clips.reduce((a, c) => a + c.seconds, 0)),
      },
      iterations: result.iterations, stoppedEarly: result.stoppedEarly, rates: RATES,
      augment: 'time warp 0.8-1.25, mirror L/R, amplitude 0.75-1.25 (whole code) and 0.4-2.5 (each unit, log-uniform), mix 25%',
      objective: 'landmark mm² of free-running rollouts + per-unit scaled error + 30 x per-step motion error (mm²)',
      trainingSeconds: Math.round(result.seconds),
      startWarps: {
        method: 'per phase, latency and ease-in (warpTime) from the grid latency 0/25/50 ms x ease 0-250 ms (fitStartWarps), closest to the training clips\' median time to 10% and time to peak velocity share (misses over 20 ms and 0.05), each trial with the phase\'s speed corrected for its 10-90% duration; speeds refitted with the warps below',
        warps: Object.fromEntries(Object.entries(warpFit.warps).map(([k, v]) => [k, { latency: Number(v.latency.toFixed(4)), ease: Number(v.ease.toFixed(4)) }])),
        trainingClips: startFigures(warpFit.real),
        netBefore: startFigures(warpFit.before),
        netAfter: startFigures(warpFit.after),
      },
      timeScales: {
        method: 'per phase (motionPhase: onset from rest, change, release to rest), median 10-90% duration of the net (with its start warps) started from each training transition\'s real code and motion, over the training clips\' median (fitTimeScales, 2 rounds)',
        scales: Object.fromEntries(Object.entries(fit.scales).map(([k, v]) => [k, Number(v.toFixed(4))])),
        trainingClipsSeconds: Object.fromEntries(Object.entries(fit.real).map(([k, v]) => [k, { median: v.median === null ? null : Number(v.median.toFixed(4)), count: v.count }])),
        netSecondsAtSpeed1: Object.fromEntries(Object.entries(fit.net).map(([k, v]) => [k, { median: v.median === null ? null : Number(v.median.toFixed(4)), count: v.count }])),
      },
      history: result.history.map((h) => ({ iteration: h.iteration, train: Number(h.train.toFixed(4)), val: h.val === null ? null : Number(h.val.toFixed(4)) })),
      blinkData: { count: trainBlinks.count, seconds: Math.round(trainBlinks.seconds), winks: trainBlinks.winks, closures: trainBlinks.closures },
    },
    metrics: compactEvaluation(evaluation),
  });
  const files = await writeReport(values.report, G, model, heldOut, evaluation, result.history);
  io.out(formatEvaluation(evaluation));
  log(`motion: wrote ${path.join(values.out, 'manifest.json')} and ${manifest.weights.file} (${(manifest.weights.bytes / 1024).toFixed(0)} KB); report: ${files.filter((f) => f.endsWith('.png')).join(', ')}`);
  log(`motion: ${seconds.toFixed(0)} s in all`);
  return 0;
}

export async function runEvalMotion(args: string[], io: Io): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) { io.out(EVAL_MOTION_HELP); return 0; }
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      data: { type: 'string', default: DEFAULT_DATA }, model: { type: 'string', default: SHIPPED_MOTION_MODEL_DIR },
      report: { type: 'string' }, holdout: { type: 'string' }, json: { type: 'boolean', default: false },
      seed: { type: 'string' }, quiet: { type: 'boolean', default: false }, head: { type: 'boolean', default: false },
    },
  });
  if (positionals.length) throw new EmoteBotError('bad-argument', `unexpected argument "${positionals[0]}" (see emotebot eval motion --help)`);
  const seed = numberOption('seed', values.seed, 1, 0, 2 ** 31 - 1, true);
  let model;
  try {
    model = await loadMotionModel(values.model);
  } catch (e) {
    throw new EmoteBotError('model-invalid', e instanceof Error ? e.message : String(e));
  }
  const { clips, G } = await loadClips(values.data, io, values.quiet);
  const listed = (model.manifest.training.data as { heldOut?: unknown }).heldOut;
  const holdout = values.holdout ?? (Array.isArray(listed) ? listed.join(',') : undefined);
  if (holdout === undefined) throw new EmoteBotError('bad-argument', 'the model does not say which clips it never saw: give --holdout');
  const held = pickHoldout(clips, holdout, seed);
  const heldOut = clips.filter((c) => held.has(c.source));
  const all = blinkFigures(clips);
  const evaluation = evaluateMotion(G, model, heldOut, all, { seed, allClips: clips });
  evaluation.stepMicros = stepMicros(model);
  if (values.json) {
    io.out(JSON.stringify({ ...compactEvaluation(evaluation), ...(values.head ? { head: fitRestHead(clips) } : {}), stepMicros: Number(evaluation.stepMicros.toFixed(2)), blinksAllClips: { perMinute: all.perMinute, count: all.count, medianSeconds: all.duration.median } }, null, 2));
  } else {
    io.out(formatEvaluation(evaluation));
    if (values.head) { const h = fitRestHead(clips); io.out(h ? formatHeadFit(h) : 'head motion at rest: the clips have no head pose'); }
    io.out(`blinks in all ${clips.length} clips: ${all.count} in ${(all.seconds / 60).toFixed(1)} min = ${all.perMinute.toFixed(1)}/min, median ${(all.duration.median * 1000).toFixed(0)} ms (p10 ${(all.duration.p10 * 1000).toFixed(0)}, p90 ${(all.duration.p90 * 1000).toFixed(0)}); the model blinks at ${model.blinks.perMinute.toFixed(1)}/min, whole blinks of median ${(model.blinks.durationMedian * 1000).toFixed(0)} ms (${(model.blinks.durationMedian * measuredShare(model.blinks.holdFraction) * 1000).toFixed(0)} ms measured the videos' way)`);
  }
  if (values.report) {
    const h = (model.manifest.training as { history?: unknown }).history;
    const files = await writeReport(values.report, G, model, heldOut, evaluation, Array.isArray(h) ? h as { iteration: number; train: number; val: number | null }[] : null);
    if (!values.quiet) io.err(`motion: report in ${files.join(', ')}`);
  }
  return 0;
}
