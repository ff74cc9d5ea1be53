/**
 * A small, well-formed evaluation report for tests (one face, the "source" model, every
 * emotion): report.test.ts checks the schema on it, compare.test.ts the paired comparison.
 */
import { EMOTIONS } from '../core/emotions.ts';
import { defaultScript, measureAnimation } from './animation.ts';
import { JUDGE_LABELS, judgeLabelFor } from './judge.ts';
import { identityStats } from './metrics.ts';
import { rigModel } from './models.ts';
import { type EvalReport, REPORT_SCHEMA } from './report.ts';
import { targetChecks } from './run.ts';

const rate = { n: 1, detected: 1, correct: 1, detectionShare: 1, accuracy: 1, accuracyAll: 1 };
const probs = Object.fromEntries(JUDGE_LABELS.map((l) => [l, l === 'neutral' ? 0.9 : 0.1 / 6])) as Record<(typeof JUDGE_LABELS)[number], number>;

const animationFigures = [measureAnimation({ ...defaultScript(1, 1), rest: 20 }, rigModel)];

export function smallReport(): EvalReport {
  const animation = structuredClone(animationFigures);
  const models = ['source'].map((name) => ({
    name, description: 'no change',
    rows: EMOTIONS.map((e) => ({ ...rate, emotion: e, judgeLabel: judgeLabelFor(e), realAccuracy: 0.5, meanTargetProbability: 0.5, identity: identityStats([0]), confusion: { neutral: 1 } })),
    overall: { ...rate, expressive: rate, stillDetected: rate, identity: identityStats([0]) },
  }));
  const real = {
    status: 'measured' as const, dataDir: '/data', perEmotion: 1, sources: [],
    rows: EMOTIONS.map((e) => ({ ...rate, emotion: e, judgeLabel: judgeLabelFor(e), confusion: { neutral: 1 }, bySource: { fer: rate } })),
    overall: { ...rate, meanAccuracy: 1 }, notes: [],
  };
  return {
    schema: REPORT_SCHEMA, createdAt: '2026-01-01T00:00:00.000Z',
    settings: { faces: ['a.jpg'], models: ['source'], size: 256, intensity: 1, seed: 1, perEmotion: 1, realDir: '/data', animationRuns: 1 },
    judge: { name: 'face-api', versions: { x: '1' }, preprocessing: 'fixed', labels: [...JUDGE_LABELS], notes: [] },
    real,
    faces: [{ id: 'a', kind: 'photo', file: 'a.jpg', source: { detected: true, top: 'neutral', topProbability: 0.9, score: 0.9 }, notes: [] }],
    models,
    cells: EMOTIONS.map((e) => ({
      face: 'a', model: 'source', emotion: e, judgeLabel: judgeLabelFor(e), detected: true, top: 'neutral' as const, topProbability: 0.9,
      targetProbability: judgeLabelFor(e) ? probs[judgeLabelFor(e)!] : null, correct: judgeLabelFor(e) ? e === 'neutral' : null, identityDistance: 0, expressions: probs,
    })),
    animation,
    targets: targetChecks(models, animation, real),
    files: { summary: 's.md', json: 'r.json', contactSheet: 'c.png' },
    notes: [],
  };
}
