/**
 * `npm run bench`: every performance figure of the project in one table, each beside its target.
 * Figures only: nothing here fails a build.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createExpressionRig, codeFromEmotions } from '../src/core/rig.ts';
import { benchExport } from '../src/export/bench.ts';
import { benchLanguage } from './language-bench.ts';
import { benchPage } from './page-bench.ts';
import { benchPeakMemory } from './peak-memory.ts';
import { readFile } from 'node:fs/promises';
import { chooseExpressions } from '../src/models/expression-files.ts';
import { loadMotionModel } from '../src/models/motion-files.ts';
import { readDetailModel } from '../src/models/detail-files.ts';
import { chooseMouth } from '../src/models/mouth-files.ts';
import { createMouthSource } from '../src/models/mouth-model.ts';
import { createDetailLayer } from '../src/models/detail-model.ts';
import { createHumanDetector } from '../src/face/human-node.ts';
import { readImageFile } from '../src/face/image.ts';
import { preparePhoto } from '../src/face/photo.ts';
import { Animator, clipTargets } from '../src/motion/animator.ts';
import { openFace } from '../src/pipeline/face-source.ts';
import { runRenderJob } from '../src/pipeline/render-job.ts';
import { createPhotoRenderer } from '../src/render/photo-renderer.ts';

interface Row { name: string; value: number; unit: string; target: string }
const rows: Row[] = [];
const fixture = path.resolve(import.meta.dirname, '../test/fixtures/mona-lisa.jpg');
const SIZE = 512;

function timeLoop(fn: () => void, seconds: number): number {
  for (let i = 0; i < 10; i++) fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) { fn(); n++; }
  return n / ((performance.now() - t0) / 1000);
}

async function photoBenches(): Promise<void> {
  // Photo to first frame, cold: model load, decode, detection, fitting, first render.
  const t0 = performance.now();
  const detector = await createHumanDetector();
  const t1 = performance.now();
  const raster = await readImageFile(fixture);
  const photo = await preparePhoto(raster, detector, SIZE);
  const rig = createExpressionRig();
  const renderer = createPhotoRenderer(photo, rig);
  const animator = new Animator({ seed: 1 });
  animator.trigger(0, clipTargets({ happy: 1 }, 1, 5));
  renderer.render(animator.evaluate(0));
  const t2 = performance.now();
  rows.push({ name: 'face model load (Human, wasm)', value: t1 - t0, unit: 'ms', target: '(part of the next)' });
  rows.push({ name: 'photo to first frame, cold (load + decode + analyse + render)', value: t2 - t0, unit: 'ms', target: '< 1000 ms' });
  // Warm: models already loaded, a new photo arrives.
  const w0 = performance.now();
  const photo2 = await preparePhoto(await readImageFile(fixture), detector, SIZE);
  createPhotoRenderer(photo2, rig).render(animator.evaluate(0));
  rows.push({ name: 'photo to first frame, models loaded', value: performance.now() - w0, unit: 'ms', target: '< 1000 ms' });

  // Warp only, an expression mid-onset with blinks and idle motion (a realistic frame).
  const out = new Uint8ClampedArray(SIZE * SIZE * 4);
  let t = 0;
  const fps = timeLoop(() => { renderer.render(animator.evaluate(0.3 + (t++ % 60) / 60), out); }, 3);
  rows.push({ name: 'CPU photo warp at 512x512 (rig + warp + mouth)', value: fps, unit: 'frames/s', target: '>= 100 frames/s' });
  const apex = { time: 0, code: codeFromEmotions({ surprised: 1 }, 1), blinkLeft: 0, blinkRight: 0, pose: { yaw: 0, pitch: 0, roll: 0, lift: 0, gazeX: 0, gazeY: 0 } };
  rows.push({ name: 'CPU photo warp at 512x512, open mouth', value: timeLoop(() => renderer.render(apex, out), 2), unit: 'frames/s', target: '>= 100 frames/s' });
  // With the learned expression detail (issue 9): the frame's amounts, the generator, the decode
  // (each frame differs during the onset, so nothing is cached) and the shading pass.
  const detailModel = await readDetailModel();
  const withDetail = createPhotoRenderer(photo, rig, { detail: createDetailLayer(detailModel, { codeFor: (e) => codeFromEmotions({ [e]: 1 }, 1), seed: 1 }) });
  let u = 0;
  rows.push({ name: 'CPU photo warp at 512x512 with generated detail, mid-onset', value: timeLoop(() => { withDetail.render(animator.evaluate(0.05 + (u++ % 30) / 100), out); }, 3), unit: 'frames/s', target: '>= 100 frames/s' });
  const layer = createDetailLayer(detailModel, { codeFor: (e) => codeFromEmotions({ [e]: 1 }, 1), seed: 1 });
  let v = 0, n = 0;
  const d0 = performance.now();
  while (performance.now() - d0 < 1000) { layer.detailFor(animator.evaluate(0.05 + (v++ % 30) / 100)); n++; }
  rows.push({ name: 'detail map per frame (amounts + generator + decode, 64x64)', value: ((performance.now() - d0) * 1000) / n, unit: 'µs', target: '< 2000 µs' });
  // As emotebot render draws a photo by default: the learned codes through the rig plus the
  // model's learned shape, and the learned mouth interior, the mouth wide open.
  const expressions = await chooseExpressions('gan', 1);
  const mouth = await chooseMouth('learned');
  const shipped = createPhotoRenderer(photo, expressions.rig, { ...expressions.neutral, ...(mouth.model ? { mouth: createMouthSource(mouth.model, expressions.emotionCode) } : {}) });
  const surprised = { ...apex, code: expressions.emotionCode('surprised') };
  rows.push({ name: 'CPU photo warp at 512x512, learned shape and learned mouth, open mouth', value: timeLoop(() => shipped.render(surprised, out), 2), unit: 'frames/s', target: '>= 100 frames/s' });
  // The eye pass's cost (render/eyes.ts): the same frame with the eye openings only warped.
  const warpedEyes = createPhotoRenderer(photo, expressions.rig, { ...expressions.neutral, ...(mouth.model ? { mouth: createMouthSource(mouth.model, expressions.emotionCode) } : {}), eyes: false });
  rows.push({ name: 'the same without the eye pass (--eyes warp)', value: timeLoop(() => warpedEyes.render(surprised, out), 2), unit: 'frames/s', target: '(for comparison)' });
  const shape = expressions.model?.shape;
  if (shape) {
    const moved = new Float64Array(468 * 3);
    let k = 0, m = 0;
    const s0 = performance.now();
    while (performance.now() - s0 < 500) { shape.addTo(moved, animator.evaluate(0.05 + (k++ % 30) / 100).code); m++; }
    rows.push({ name: 'learned shape per frame (amounts + 7 fields)', value: ((performance.now() - s0) * 1000) / m, unit: 'µs', target: '< 500 µs' });
  }
  if (mouth.model) {
    // Every frame of an onset moves the emotions' amounts: the per-emotion tables blended anew.
    const source = createMouthSource(mouth.model, expressions.emotionCode);
    let k = 0, m = 0;
    const s0 = performance.now();
    while (performance.now() - s0 < 500) { source.tableFor({ ...apex, code: expressions.emotionCode(k % 2 ? 'surprised' : 'angry').map((x) => x * (0.2 + 0.8 * ((k++ % 10) / 10))) }); m++; }
    rows.push({ name: 'learned mouth table per frame (amounts + blend of the emotions\' tables)', value: ((performance.now() - s0) * 1000) / m, unit: 'µs', target: '< 500 µs' });
  }
  detector.dispose();
}

/** Loading the shipped learned models (manifest + hash check) and what their training cost, from their manifests. */
async function learnedModels(): Promise<void> {
  let t0 = performance.now();
  await chooseExpressions('gan', 1);
  rows.push({ name: 'learned expressions load (manifest + SHA-256 + space)', value: performance.now() - t0, unit: 'ms', target: '< 200 ms' });
  t0 = performance.now();
  await loadMotionModel();
  rows.push({ name: 'learned motion load (manifest + SHA-256)', value: performance.now() - t0, unit: 'ms', target: '< 200 ms' });
  t0 = performance.now();
  await readDetailModel();
  rows.push({ name: 'learned detail load (manifest + SHA-256)', value: performance.now() - t0, unit: 'ms', target: '< 200 ms' });
  for (const [name, stepsKey] of [['expression-gan', 'steps'], ['motion-gru', 'iterations'], ['expression-detail', 'steps']] as const) {
    const m = JSON.parse(await readFile(path.resolve(import.meta.dirname, `../models/${name}/manifest.json`), 'utf8')) as { training: Record<string, unknown> };
    const seconds = Number(m.training.seconds), steps = Number(m.training[stepsKey]);
    rows.push({ name: `training ${name}: whole run (from its manifest)`, value: seconds, unit: 's', target: '<= 900 s' });
    rows.push({ name: `training ${name}: per ${stepsKey === 'steps' ? 'step' : 'iteration'} (run / ${steps})`, value: (seconds * 1000) / steps, unit: 'ms', target: 'info' });
  }
}

async function endToEnd(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'emotebot-bench-'));
  const rig = createExpressionRig();
  const detector = await createHumanDetector();
  try {
    for (const face of ['photo', 'bot'] as const) {
      const { renderer } = await openFace(face === 'photo' ? fixture : 'bot', SIZE, rig, detector);
      for (const format of ['gif', 'mp4', 'webm'] as const) {
        const r = await runRenderJob({ renderer, targets: [{ weights: { happy: 1 }, intensity: 1, start: 0, duration: null }], out: path.join(dir, `clip.${format}`), fps: 30, duration: 5, seed: 1, idle: 0.5 });
        rows.push({ name: `end to end, ${face}, 5 s at 30 fps to ${format.toUpperCase()}`, value: r.frames / (r.ms / 1000), unit: 'frames/s', target: `${(r.ms / 1000).toFixed(2)} s total; >= 30 frames/s (real time)` });
      }
      if (face === 'bot') {
        const still = { time: 0, code: codeFromEmotions({ happy: 1 }, 1), blinkLeft: 0, blinkRight: 0, pose: { yaw: 0, pitch: 0, roll: 0, lift: 0, gazeX: 0, gazeY: 0 } };
        const out = new Uint8ClampedArray(SIZE * SIZE * 4);
        rows.push({ name: 'character render at 512x512 (Canvas 2D, Node)', value: timeLoop(() => renderer.render(still, out), 2), unit: 'frames/s', target: '>= 30 frames/s' });
      }
    }
  } finally {
    detector.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

await photoBenches();
await endToEnd();
for (const r of await benchExport()) rows.push({ ...r, name: `encode only: ${r.name}` });
rows.push(...(await benchLanguage()));
rows.push(...(await benchPage()));
await learnedModels();
rows.push(...(await benchPeakMemory()));
// maxRSS is in kilobytes: the bench process's own peak (Chromium's processes are not counted). It holds
// every model and both detectors at once, which no user's process does: a figure, not a target.
rows.push({ name: 'peak memory of this bench process (resident)', value: process.resourceUsage().maxRSS / 1024, unit: 'MB', target: 'info (every model and detector at once)' });

const fmt = (v: number) => (Number.isNaN(v) ? '-' : v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toFixed(3));
const w = Math.max(...rows.map((r) => r.name.length));
console.log(`\nEmoteBot bench (${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${(await import('node:os')).cpus().length} cores)\n`);
console.log(`${'figure'.padEnd(w)}  ${'value'.padStart(9)}  unit       target`);
console.log(`${'-'.repeat(w)}  ---------  ---------  ------`);
for (const r of rows) console.log(`${r.name.padEnd(w)}  ${fmt(r.value).padStart(9)}  ${r.unit.padEnd(9)}  ${r.target}`);
