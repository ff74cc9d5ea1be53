import { describe, expect, it } from 'vitest';
import { EMOTIONS } from '../core/emotions.ts';
import { defaultScript, measureAnimation } from './animation.ts';
import { JUDGE_LABELS, judgeLabelFor } from './judge.ts';
import { identityStats } from './metrics.ts';
import { rigModel } from './models.ts';
import { checkReport, type EvalReport, renderMarkdown, REPORT_SCHEMA } from './report.ts';
import { targetChecks } from './run.ts';

const rate = { n: 1, detected: 1, correct: 1, detectionShare: 1, accuracy: 1, accuracyAll: 1 };
const probs = Object.fromEntries(JUDGE_LABELS.map((l) => [l, l === 'neutral' ? 0.9 : 0.1 / 6])) as Record<(typeof JUDGE_LABELS)[number], number>;

const animationFigures = [measureAnimation({ ...defaultScript(1, 1), rest: 20 }, rigModel)];

function smallReport(): EvalReport {
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

describe('report schema', () => {
  it('accepts a well-formed report and survives a JSON round trip', () => {
    const r = smallReport();
    expect(checkReport(r)).toEqual([]);
    expect(checkReport(JSON.parse(JSON.stringify(r)))).toEqual([]);
  });

  it('names what is wrong: missing keys, bad values, rows out of order, cells pointing nowhere', () => {
    const cases: [string, (r: EvalReport) => void, RegExp][] = [
      ['schema', (r) => { (r as { schema: string }).schema = 'other/1'; }, /report\.schema/],
      ['missing real', (r) => { delete (r as Partial<EvalReport>).real; }, /report\.real: missing/],
      ['share above 1', (r) => { r.models[0]!.rows[1]!.accuracy = 1.5; }, /rows\[1\]\.accuracy/],
      ['NaN', (r) => { r.animation[0]!.blinkRateRest = Number.NaN; }, /blinkRateRest/],
      ['rows', (r) => { r.models[0]!.rows.pop(); }, /expected 8 entries/],
      ['order', (r) => { r.models[0]!.rows.reverse(); }, /expected neutral/],
      ['unknown model', (r) => { r.cells[0]!.model = 'gan'; }, /not in report\.models/],
      ['unknown face', (r) => { r.cells[0]!.face = 'b'; }, /not in report\.faces/],
      ['label without face', (r) => { r.cells[0]!.detected = false; }, /top label exactly when/],
      ['bad label', (r) => { (r.cells[0] as { top: string }).top = 'contempt'; }, /cells\[0\]\.top/],
      ['counts', (r) => { r.models[0]!.rows[0]!.correct = 5; }, /correct <= detected <= n/],
      ['mean crops file', (r) => { (r.files as Record<string, unknown>).meanCrops = 3; }, /files\.meanCrops/],
    ];
    for (const [name, mutate, expected] of cases) {
      const r = smallReport();
      mutate(r);
      const problems = checkReport(r);
      expect(problems.join('\n'), name).toMatch(expected);
    }
    expect(checkReport(null)).toEqual(['report: expected an object']);
  });

  it('renders Markdown with every section and no NaN', () => {
    const md = renderMarkdown(smallReport());
    for (const h of ['## 1. The bar', '## 2. Rendered faces', '### Identity', '## 3. Animation', '## 4. Targets']) expect(md).toContain(h);
    expect(md).not.toMatch(/NaN|undefined/);
    expect(md).toContain('| contempt | no judge label |');
    expect(md).not.toContain('Mean crops');
  });

  it('names the mean-crops picture and says how to read it when there is one (dev judge)', () => {
    const r = smallReport();
    r.files.meanCrops = 'out/mean-crops.png';
    expect(checkReport(r)).toEqual([]);
    expect(renderMarkdown(r)).toMatch(/Mean crops: out\/mean-crops\.png \(.*mid grey = no change/);
  });
});
