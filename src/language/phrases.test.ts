/**
 * Accuracy over the hand-labelled phrase table (phrases.fixture.ts).
 *
 * Threshold: 90% overall. The table mixes trigger forms the parser must get right (emotion words,
 * emoji, intensities, negations, blends, sequences: all explicitly specified, so near 100%) with
 * free chat sentences, where a word-lexicon scorer without world knowledge misses some ("Someone
 * keyed my car"). 90% leaves room for those while catching any real regression: breaking
 * negation, intensifiers or sequencing alone would drop 20+ phrases (about 6 points).
 * The trigger-form groups are held to 95% each; the held-out sentences (written after tuning,
 * first scored at 70%) are only reported plus a floor of 60%.
 */
import { describe, expect, it } from 'vitest';
import { dominantEmotion } from '../core/emotions.ts';
import { parseTrigger } from './index.ts';
import { LABELLED_PHRASES, type LabelledPhrase } from './phrases.fixture.ts';

function judge(ph: LabelledPhrase): { correct: boolean; got: string } {
  const r = parseTrigger(ph.text);
  const got = r.timeline.map((s) => dominantEmotion(s.weights));
  const expected = ph.expect.split('>').map((seg) => seg.split('|'));
  const correct = got.length === expected.length && got.every((g, i) => expected[i]?.includes(g) ?? false);
  return { correct, got: got.join('>') };
}

describe('labelled phrase table', () => {
  const results = LABELLED_PHRASES.map((ph) => ({ ph, ...judge(ph) }));

  it('has at least 150 phrases beyond the issue examples', () => {
    expect(LABELLED_PHRASES.length).toBeGreaterThanOrEqual(200);
  });

  it('scores >= 90% overall and prints the accuracy', () => {
    const byKind = new Map<string, { n: number; ok: number }>();
    for (const r of results) {
      const k = byKind.get(r.ph.kind) ?? { n: 0, ok: 0 };
      k.n++;
      if (r.correct) k.ok++;
      byKind.set(r.ph.kind, k);
    }
    const correct = results.filter((r) => r.correct).length;
    const acc = correct / results.length;
    const lines = [`language accuracy: ${correct}/${results.length} = ${(acc * 100).toFixed(1)}%`];
    for (const [k, v] of byKind) lines.push(`  ${k.padEnd(9)} ${v.ok}/${v.n}`);
    for (const r of results.filter((x) => !x.correct)) lines.push(`  miss [${r.ph.kind}] "${r.ph.text}": expected ${r.ph.expect}, got ${r.got}`);
    console.log(lines.join('\n'));
    expect(acc).toBeGreaterThanOrEqual(0.9);
  });

  for (const kind of ['word', 'emoji', 'intensity', 'negation', 'blend', 'sequence', 'spelling'] as const) {
    it(`gets >= 95% of the ${kind} phrases`, () => {
      const rs = results.filter((r) => r.ph.kind === kind);
      const misses = rs.filter((r) => !r.correct).map((r) => `${r.ph.text} -> ${r.got} (want ${r.ph.expect})`);
      expect(rs.length).toBeGreaterThan(0);
      expect(rs.filter((r) => r.correct).length / rs.length, misses.join('; ')).toBeGreaterThanOrEqual(0.95);
    });
  }

  it('gets >= 60% of the held-out sentences', () => {
    const rs = results.filter((r) => r.ph.kind === 'heldout');
    expect(rs.filter((r) => r.correct).length / rs.length).toBeGreaterThanOrEqual(0.6);
  });
});
