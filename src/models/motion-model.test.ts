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

  it('refuses a model trained on other action units', async () => {
    const { manifest, weights } = await encodeMotionModel(model, { created: 'x', training: { command: 'x', seed: 1, seconds: 0, data: {} }, metrics: {} });
    const other = { ...manifest, architecture: { ...manifest.architecture, units: ['AU1'] } };
    await expect(decodeMotionModel(other, weights)).rejects.toThrow(/other action units/);
  });
});
