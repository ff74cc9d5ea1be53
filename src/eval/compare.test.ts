import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Emotion } from '../core/emotions.ts';
import { evalMain } from './cli.ts';
import { comparePaired, comparisonMarkdown, type CellSet } from './compare.ts';
import { judgeLabelFor } from './judge.ts';
import type { Cell } from './report.ts';
import { smallReport } from './test-report.ts';

/** A cell of face `face` asked for `emotion`, the judge giving it probability p (null: no face). */
function cell(face: string, emotion: Emotion, p: number | null, identity: number | null = null, model = 'm'): Cell {
  const label = judgeLabelFor(emotion);
  const detected = p !== null;
  const correct = label === null ? null : detected && p > 0.5;
  return {
    face, model, emotion, judgeLabel: label, detected,
    top: detected ? (correct ? label : 'neutral') : null, topProbability: detected ? Math.max(p, 1 - p) : 0,
    targetProbability: label !== null && detected ? p : null, correct, identityDistance: identity,
    expressions: { neutral: 0, happy: 0, sad: 0, angry: 0, fearful: 0, disgusted: 0, surprised: 0 },
  };
}
const set = (label: string, cells: Cell[]): CellSet => ({ label, cells });

describe('comparePaired', () => {
  it('pairs cells by face and emotion and reports per-emotion differences with standard errors', () => {
    const A = set('a', [cell('x', 'happy', 0.6, 0.3), cell('y', 'happy', 0.4, 0.5), cell('x', 'angry', 0.7), cell('y', 'angry', 0.2)]);
    // B: happy +0.1 on x, +0.3 on y (y turns right); angry x turns wrong, y unchanged.
    const B = set('b', [cell('y', 'happy', 0.7, 0.4), cell('x', 'happy', 0.7, 0.2), cell('x', 'angry', 0.3), cell('y', 'angry', 0.2)]);
    const c = comparePaired([[A, B]]);
    expect(c.rows.map((r) => r.emotion)).toEqual(['happy', 'angry', 'all']);
    const happy = c.rows[0]!, angry = c.rows[1]!, all = c.rows[2]!;
    expect(happy).toMatchObject({ n: 2, correctA: 1, correctB: 2, gained: 1, lost: 0, identityCells: 2 });
    expect(happy.meanDifference).toBeCloseTo(0.2, 12);
    // differences 0.1 and 0.3: sd sqrt(0.02), se sqrt(0.02) / sqrt(2) = 0.1
    expect(happy.standardError).toBeCloseTo(0.1, 12);
    expect(happy.identityDifference).toBeCloseTo(-0.1, 12);
    expect(angry).toMatchObject({ n: 2, correctA: 1, correctB: 0, gained: 0, lost: 1, identityDifference: null, identityCells: 0 });
    expect(angry.meanDifference).toBeCloseTo(-0.2, 12);
    expect(all).toMatchObject({ n: 4, correctA: 2, correctB: 2, gained: 1, lost: 1 });
    expect(all.meanDifference).toBeCloseTo(0, 12);
  });

  it('is antisymmetric: swapping control and candidate flips every difference', () => {
    const A = set('a', [cell('x', 'sad', 0.2, 0.4), cell('y', 'sad', 0.9, 0.1), cell('z', 'sad', 0.5, 0.3)]);
    const B = set('b', [cell('x', 'sad', 0.6, 0.2), cell('y', 'sad', 0.3, 0.6), cell('z', 'sad', 0.55, 0.3)]);
    const ab = comparePaired([[A, B]]).rows, ba = comparePaired([[B, A]]).rows;
    ab.forEach((r, i) => {
      const s = ba[i]!;
      expect(s.meanDifference).toBeCloseTo(-r.meanDifference, 12);
      expect(s.standardError).toBeCloseTo(r.standardError!, 12);
      expect(s.identityDifference).toBeCloseTo(-r.identityDifference!, 12);
      expect([s.gained, s.lost, s.correctA, s.correctB]).toEqual([r.lost, r.gained, r.correctB, r.correctA]);
    });
  });

  it('counts a face not found as probability 0 and wrong, leaves out unlabelled emotions and unpaired cells', () => {
    const A = set('a', [cell('x', 'fearful', 0.8), cell('x', 'contempt', 0.9), cell('w', 'fearful', 0.1)]);
    const B = set('b', [cell('x', 'fearful', null), cell('x', 'contempt', 0.1), cell('v', 'fearful', 0.3), cell('v', 'happy', 0.3)]);
    const c = comparePaired([[A, B]]);
    expect(c.rows.map((r) => r.emotion)).toEqual(['fearful', 'all']);
    expect(c.rows[0]).toMatchObject({ n: 1, correctA: 1, correctB: 0, lost: 1, standardError: null });
    expect(c.rows[0]!.meanDifference).toBeCloseTo(-0.8, 12);
    expect(c.unmatched).toEqual({ a: 1, b: 2 });
  });

  it('pools several face sets, keeping a face that appears in two sets as two faces', () => {
    const p1: [CellSet, CellSet] = [set('a1', [cell('x', 'happy', 0.5)]), set('b1', [cell('x', 'happy', 0.7)])];
    const p2: [CellSet, CellSet] = [set('a2', [cell('x', 'happy', 0.5)]), set('b2', [cell('x', 'happy', 0.5)])];
    const c = comparePaired([p1, p2]);
    expect(c.rows[0]).toMatchObject({ emotion: 'happy', n: 2 });
    expect(c.rows[0]!.meanDifference).toBeCloseTo(0.1, 12);
    expect(c.a).toEqual(['a1', 'a2']);
    expect(c.b).toEqual(['b1', 'b2']);
  });

  it('refuses runs that mix two models, share no cell, or are missing', () => {
    const two = set('a', [cell('x', 'happy', 0.5, null, 'm'), cell('x', 'happy', 0.6, null, 'n')]);
    expect(() => comparePaired([[two, set('b', [cell('x', 'happy', 0.5)])]])).toThrow(/two cells for x happy/);
    expect(() => comparePaired([[set('a', [cell('x', 'happy', 0.5)]), set('b', [cell('y', 'happy', 0.5)])]])).toThrow(/share no judged cell/);
    expect(() => comparePaired([])).toThrow(/no runs/);
  });

  it('renders a Markdown table with signed points and no NaN', () => {
    const A = set('ctrl', [cell('x', 'happy', 0.6, 0.3), cell('y', 'happy', 0.4, 0.5)]);
    const B = set('cand', [cell('x', 'happy', 0.5, 0.35), cell('y', 'happy', 0.45, 0.5)]);
    const md = comparisonMarkdown(comparePaired([[A, B]]));
    expect(md).toContain('A (control): ctrl');
    expect(md).toContain('| happy | 2 | 1 | 0 | 0 | 1 | −2.5 (7.5) | +0.025 |');
    expect(md).toContain('| **all judged** | 2 |');
    expect(md).not.toMatch(/NaN|undefined/);
  });
});

describe('npm run eval -- --compare', () => {
  const io = () => {
    const out: string[] = [], err: string[] = [];
    return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
  };
  const dir = mkdtempSync(path.join(tmpdir(), 'emotebot-compare-'));
  const write = (name: string, value: unknown) => {
    const file = path.join(dir, name);
    writeFileSync(file, JSON.stringify(value));
    return file;
  };
  const control = smallReport();
  const candidate = smallReport();
  // The candidate: happy's probability up by 0.2 for the one face.
  const happy = candidate.cells.find((c) => c.emotion === 'happy')!;
  happy.targetProbability = happy.targetProbability! + 0.2;

  it('reads two report files and prints the paired table', async () => {
    const a = write('a.json', control), b = write('b.json', candidate);
    const t = io();
    expect(await evalMain(['--compare', a, `${b}:source`], t.io)).toBe(0);
    const md = t.out.join('\n');
    expect(md).toMatch(/\| happy \| 1 \| 0 \| 0 \| 0 \| 0 \| \+20\.0 \(n\/a\) \| \+0\.000 \|/);
    expect(md).toMatch(/\| neutral \| 1 \| 1 \| 1 \| 0 \| 0 \| \+0\.0 \(n\/a\) \|/);
  });

  it('refuses odd run counts, unknown models, files that are not reports, and other options', async () => {
    const a = write('a.json', control), junk = write('junk.json', { schema: 'x' }), notJson = path.join(dir, 'n.json');
    writeFileSync(notJson, '{');
    const cases: [string[], number, RegExp][] = [
      [['--compare', a], 2, /in pairs/],
      [['--compare'], 2, /in pairs/],
      [['--compare', a, `${a}:gan`], 2, /no model "gan" \(it has source\)/],
      [['--compare', a, junk], 1, /not an evaluation report/],
      [['--compare', a, notJson], 1, /not JSON/],
      [['--compare', a, path.join(dir, 'missing.json')], 1, /cannot read/],
      [['--compare', '--faces', 'bot', a, a], 2, /--faces does not go with it/],
    ];
    for (const [args, code, message] of cases) {
      const t = io();
      expect(await evalMain(args, t.io), args.join(' ')).toBe(code);
      expect(t.err.join('\n'), args.join(' ')).toMatch(message);
    }
  });
});
