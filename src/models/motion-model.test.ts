import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMOTIONS } from '../core/emotions.ts';
import { AU_COUNT, codeFromEmotions, createExpressionRig } from '../core/rig.ts';
import { runRenderJob } from '../pipeline/render-job.ts';
import { createCharacterRenderer } from '../render/character-renderer.ts';
import { LearnedAnimator } from '../motion/learned-animator.ts';
import { loadMotionModel, SHIPPED_MOTION_MODEL_DIR } from './motion-files.ts';
import { decodeMotionModel, encodeMotionModel, MOTION_MODEL_NAME } from './motion-model.ts';

const norm = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
};

describe('the shipped motion model', async () => {
  const model = await loadMotionModel(SHIPPED_MOTION_MODEL_DIR);

  it('is small, hash-checked, and says how it was trained and on which clips it was measured', () => {
    const m = model.manifest;
    expect(m.name).toBe(MOTION_MODEL_NAME);
    expect(statSync(path.join(SHIPPED_MOTION_MODEL_DIR, m.weights.file)).size).toBeLessThan(300_000);
    expect(m.training.command).toMatch(/^emotebot train motion /);
    const data = m.training.data as { train: string[]; heldOut: string[] };
    expect(data.heldOut.length).toBeGreaterThanOrEqual(2);
    for (const h of data.heldOut) expect(data.train).not.toContain(h);
    expect(m.metrics).toHaveProperty('trajectoryMm');
    expect(model.blinks.perMinute).toBeGreaterThan(0);
  });

  it('moves from neutral into every emotion and back, without overshoot', () => {
    for (const e of EMOTIONS.filter((x) => x !== 'neutral')) {
      const a = new LearnedAnimator({ seed: 1, model, idle: 0, blinksPerMinute: 0 });
      a.trigger(0, [{ weights: { [e]: 1 }, intensity: 1, start: 0, duration: 2 }]);
      const target = codeFromEmotions({ [e]: 1 }, 1);
      const full = norm(target, new Float64Array(AU_COUNT));
      expect(norm(a.evaluate(1.5).code, target)).toBeLessThan(0.05 * full);
      expect(norm(a.evaluate(2 + 2.5).code, new Float64Array(AU_COUNT))).toBeLessThan(0.05 * full);
      for (let t = 0; t < 5; t += 1 / 30) {
        const c = a.evaluate(t).code;
        for (let d = 0; d < AU_COUNT; d++) expect(c[d]!).toBeLessThanOrEqual(target[d]! + 1e-9);
      }
    }
  });

  it('continues without a jump when a trigger interrupts a transition', () => {
    // The model's own fastest frame-to-frame step (60 fps, as a share of the change) going from
    // rest into sadness, and from a settled surprise into sadness (a change, which the learned
    // speeds play faster than an onset from rest, as the videos move).
    const sad = codeFromEmotions({ sad: 1 }, 1), surprised = codeFromEmotions({ surprised: 1 }, 1);
    let fastest = 0, firstFromStill = 0;
    for (const [from, at] of [[new Float64Array(AU_COUNT), 0], [surprised, 3]] as const) {
      const ref = new LearnedAnimator({ seed: 1, model, idle: 0, blinksPerMinute: 0 });
      ref.trigger(0, [{ weights: { surprised: 1 }, intensity: at > 0 ? 1 : 0, start: 0, duration: null }]);
      ref.trigger(at, [{ weights: { sad: 1 }, intensity: 1, start: 0, duration: null }]);
      for (let t = at + 1 / 60; t < at + 2; t += 1 / 60) fastest = Math.max(fastest, norm(ref.evaluate(t).code, ref.evaluate(t - 1 / 60).code) / norm(sad, from));
      // How far the face moves in its first frame when the change starts from a still face.
      if (at > 0) firstFromStill = norm(ref.evaluate(at + 1 / 60).code, ref.evaluate(at).code) / norm(sad, from);
    }
    expect(fastest).toBeLessThan(0.25);
    for (const mid of [0.1, 0.2, 0.35]) {
      const a = new LearnedAnimator({ seed: 1, model, idle: 0, blinksPerMinute: 0 });
      a.trigger(0, [{ weights: { surprised: 1 }, intensity: 1, start: 0, duration: null }]);
      const before = Float64Array.from(a.evaluate(mid).code);
      a.trigger(mid, [{ weights: { sad: 1 }, intensity: 1, start: 0, duration: null }]);
      expect(norm(a.evaluate(mid).code, before)).toBeLessThan(1e-12);
      const full = norm(sad, before);
      const last = norm(before, a.evaluate(mid - 1 / 60).code);
      let prev = before;
      for (let t = mid + 1 / 60; t < mid + 2; t += 1 / 60) {
        const cur = Float64Array.from(a.evaluate(t).code);
        // Never faster than the model's own transitions from rest (a jump would be).
        expect(norm(cur, prev)).toBeLessThan(1.25 * fastest * full);
        prev = cur;
      }
      // The first frame after the trigger moves about as fast as the last before it (allowing for
      // the change's learned pace against the onset's: the net's steps come faster after it), or
      // as the same change does from a still face.
      const pace = model.net.timeScales ? model.net.timeScales.change / model.net.timeScales.onset : 1;
      expect(norm(a.evaluate(mid + 1 / 60).code, before)).toBeLessThan(2 * Math.max(pace, 1) * last + Math.max(0.02, 1.25 * firstFromStill) * full);
    }
  });

  it('starts a movement from rest slowly, as the videos do: its velocity peaks later than without the learned start', () => {
    expect(model.net.startWarps).toBeDefined();
    /** Time to peak velocity as a share of the movement (velocity above 10% of its peak) and its time (s), 240 fps, from a still neutral face. */
    const peak = (m: typeof model, e: string) => {
      const a = new LearnedAnimator({ seed: 3, model: m, idle: 0, blinksPerMinute: 0 });
      a.trigger(0, [{ weights: { [e]: 1 }, intensity: 1, start: 0, duration: null }]);
      const to = codeFromEmotions({ [e]: 1 }, 1), full = norm(to, new Float64Array(AU_COUNT)), h = 1 / 240;
      const v: number[] = [];
      let prev = 0;
      for (let t = h; t < 1.5; t += h) { const p = 1 - norm(a.evaluate(t).code, to) / full; v.push((p - prev) / h); prev = p; }
      const k = v.indexOf(Math.max(...v));
      let s = k, end = k;
      while (s > 0 && v[s - 1]! > 0.1 * v[k]!) s--;
      while (end < v.length - 1 && v[end + 1]! > 0.1 * v[k]!) end++;
      return { share: (k - s) / (end - s), time: (k + 1) * h };
    };
    const plain = { ...model, net: { ...model.net, startWarps: undefined } };
    let shaped = 0, unshaped = 0;
    const emotions = EMOTIONS.filter((x) => x !== 'neutral');
    for (const e of emotions) {
      const a = peak(model, e), b = peak(plain, e);
      // Later in the movement and later in time (the net alone peaks within 40-170 ms, at once from rest).
      expect(a.share).toBeGreaterThan(b.share + 0.03);
      expect(a.time).toBeGreaterThan(b.time + 0.05);
      shaped += a.share / emotions.length;
      unshaped += b.share / emotions.length;
    }
    // On the rig's prototypes (mean of 7): about 0.36 against 0.28 unshaped (held-out clips: 0.47 against 0.36, real 0.49).
    expect(shaped).toBeGreaterThan(0.32);
    expect(shaped).toBeLessThan(0.5);
    expect(unshaped).toBeLessThan(0.3);
  });

  it('drives a render job (the --motion gru path), the same frames for the same seed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emotebot-motion-'));
    const renderer = createCharacterRenderer(64, createExpressionRig());
    const job = (out: string) => runRenderJob({
      renderer, targets: [{ weights: { happy: 1 }, intensity: 1, start: 0, duration: null }], out: path.join(dir, out), fps: 10, duration: 1.5, seed: 2, idle: 0.5,
      motion: (o) => new LearnedAnimator({ ...o, model }),
    });
    expect((await job('a.gif')).frames).toBe(15);
    await job('b.gif');
    expect(readFileSync(path.join(dir, 'b.gif')).equals(readFileSync(path.join(dir, 'a.gif')))).toBe(true);
  });

  it('keeps its learned speeds and start warps through encoding, and refuses bad ones', async () => {
    const { manifest, weights } = await encodeMotionModel(model, { created: 'x', training: { command: 'x', seed: 1, seconds: 0, data: {} }, metrics: {} });
    const back = await decodeMotionModel(JSON.parse(JSON.stringify(manifest)), weights);
    expect(back.net.startWarps).toEqual(model.net.startWarps);
    expect(back.net.timeScales).toEqual(model.net.timeScales);
    const bad = { ...manifest, architecture: { ...manifest.architecture, startWarps: { ...model.net.startWarps, onset: { latency: -1, ease: 0 } } } };
    await expect(decodeMotionModel(bad, weights)).rejects.toThrow(/start warp/);
    const missing = { ...manifest, architecture: { ...manifest.architecture, startWarps: { onset: { latency: 0, ease: 0 } } } };
    await expect(decodeMotionModel(missing, weights)).rejects.toThrow(/startWarps\.change/);
  });

  it('refuses a model trained on other action units', async () => {
    const { manifest, weights } = await encodeMotionModel(model, { created: 'x', training: { command: 'x', seed: 1, seconds: 0, data: {} }, metrics: {} });
    const other = { ...manifest, architecture: { ...manifest.architecture, units: ['AU1'] } };
    await expect(decodeMotionModel(other, weights)).rejects.toThrow(/other action units/);
  });
});
