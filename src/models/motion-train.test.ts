import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { AU_COUNT, codeFromEmotions, createExpressionRig } from '../core/rig.ts';
import { LearnedAnimator } from '../motion/learned-animator.ts';
import { LITERATURE_BLINKS } from '../motion/learned-blink.ts';
import { rollout } from '../motion/learned-gru.ts';
import { basisGram, prepareClip, warpClip } from './motion-data.ts';
import { easeMaker, evaluateMotion, formatEvaluation, gruMaker } from './motion-eval.ts';
import { decodeMotionModel, encodeMotionModel } from './motion-model.ts';
import { syntheticClip } from './motion-synthetic.ts';
import { DEFAULT_SHAPE, disposeVariables, initVariables, motionNetFromVariables, motionTf, rolloutTf, trainMotion } from './motion-train.ts';

const rig = createExpressionRig();
const G = basisGram(rig.basis);
const clips = [11, 12, 13].map((s) => prepareClip(syntheticClip(s, rig, { seconds: 16 }), { basis: rig.basis, transitions: { high: 3, minAmplitude: 0.3 } })!);

describe('motion GRU training (tfjs wasm)', () => {
  it('the tfjs graph and the typed-array runtime step give the same numbers', async () => {
    await motionTf();
    const before = tf.memory().numTensors;
    const vars = initVariables({ ...DEFAULT_SHAPE, hidden: 12 }, 5);
    const net = motionNetFromVariables(vars);
    const x0 = codeFromEmotions({ sad: 0.5 }, 1), goal = codeFromEmotions({ happy: 1 }, 0.8);
    const v0 = new Float64Array(AU_COUNT).fill(0.01);
    const steps = 20;
    const tfOut = tf.tidy(() => tf.stack(rolloutTf(vars, tf.tensor2d([Array.from(x0)]), tf.tensor2d([Array.from(v0)]), tf.tensor2d([Array.from(goal)]), steps)).dataSync());
    const js = rollout(net, x0, v0, goal, steps);
    let worst = 0;
    for (let k = 0; k < steps; k++) for (let d = 0; d < AU_COUNT; d++) worst = Math.max(worst, Math.abs(tfOut[k * AU_COUNT + d]! - js[(k + 1) * AU_COUNT + d]!));
    expect(worst).toBeLessThan(1e-4);
    disposeVariables(vars);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a tiny run on synthetic sequences reduces its loss, is repeatable at a seed and leaks no tensors', async () => {
    await motionTf();
    const before = tf.memory().numTensors;
    const train = clips.slice(0, 2).flatMap((c) => [0.9, 1, 1.1].map((r) => warpClip(c, r, G, true, { high: 3, minAmplitude: 0.3 })));
    const o = { seed: 3, iterations: 30, batch: 8, window: 24, shape: { hidden: 12 }, lr: 1e-2, evalEvery: 10 };
    const a = await trainMotion(train, clips.slice(2), G, o);
    expect(tf.memory().numTensors).toBe(before);
    expect(a.fit.after).toBeLessThan(a.fit.before * 0.85);
    expect(a.history.length).toBe(3);
    expect(a.history.every((h) => h.val !== null && Number.isFinite(h.val))).toBe(true);
    const b = await trainMotion(train, clips.slice(2), G, o);
    expect(Array.from(b.net.wo)).toEqual(Array.from(a.net.wo));
    // The trained net round-trips through the model files' encoding and drives the runtime.
    const model = { net: a.net, blinks: LITERATURE_BLINKS };
    const { manifest, weights } = await encodeMotionModel(model, { created: 'test', training: { command: 'test', seed: 3, seconds: 0, data: {} }, metrics: {} });
    const back = await decodeMotionModel(JSON.parse(JSON.stringify(manifest)), weights);
    const run = (m: typeof model) => {
      const r = new LearnedAnimator({ seed: 1, model: m, idle: 0 });
      r.trigger(0, [{ weights: { happy: 1 }, intensity: 1, start: 0, duration: 1 }]);
      return Array.from({ length: 60 }, (_, i) => Array.from(r.evaluate(i / 30).code)).flat();
    };
    expect(run(back)).toEqual(run(model));
  });

  it('measures the GRU beside the eased baseline on held-out clips', async () => {
    const vars = initVariables({ ...DEFAULT_SHAPE, hidden: 8 }, 2);
    const model = { net: motionNetFromVariables(vars), blinks: LITERATURE_BLINKS };
    disposeVariables(vars);
    const e = evaluateMotion(G, model, clips.slice(2), { ...blinkless }, { blinkMinutes: 10 });
    expect(e.heldOut.transitions).toBeGreaterThan(3);
    expect(e.gru.trajectory).toBeGreaterThan(0);
    expect(e.ease.trajectory).toBeGreaterThan(0);
    expect(e.jump!).toBeGreaterThan(0);
    // The eased baseline's blinks are measured as 17 a minute, give or take.
    expect(e.blinks.ease.perMinute).toBeGreaterThan(12);
    expect(e.blinks.ease.perMinute).toBeLessThan(22);
    expect(e.rest.ease.jitter).toBeLessThan(1e-6);
    expect(e.prototypes.ease.every((p) => p.onset !== null && p.onset > 0.1 && p.onset < 0.6)).toBe(true);
    const table = formatEvaluation(e);
    for (const row of ['trajectory error', 'time to peak velocity', 'jerk', 'onset 10-90%', 'offset 10-90%', 'blinks per minute', 'blink duration', 'jitter at rest']) expect(table).toContain(row);
    expect(gruMaker(model)).toBeTypeOf('function');
    expect(easeMaker).toBeTypeOf('function');
  });
});

const blinkless = {
  count: 0, winks: 0, closures: 0, seconds: 60, perMinute: 0, durations: [],
  duration: { median: NaN, mean: NaN, p10: NaN, p90: NaN, min: NaN, max: NaN, logSd: NaN }, closeFraction: 0.3, holdFraction: 0.1, gaps: [],
};
