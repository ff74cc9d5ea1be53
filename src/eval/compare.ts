/**
 * Paired comparison of two evaluations of the same faces (`npm run eval -- --compare`): cell by
 * cell (same face, same emotion), what a candidate changes against a control.
 *
 * Why paired, and why the target probability: on 80 faces one render is 1.25 points of accuracy,
 * and many renders sit near the judge's decision boundary (angry against happy), so accuracy
 * swings by several renders when the judge's probabilities barely move. The judge's probability
 * of the emotion asked for, differenced face by face, has a standard error of a few tenths of a
 * point on 560 cells. Both are reported; a decision rule names which it reads.
 *
 * Pure: cells in, figures and Markdown out.
 */
import { EMOTIONS, type Emotion } from '../core/emotions.ts';
import type { Cell } from './report.ts';

/** The cells of one model's run on one set of faces. */
export interface CellSet {
  /** What the Markdown calls it (a report folder and model). */
  readonly label: string;
  readonly cells: readonly Cell[];
}

export interface PairedRow {
  /** An emotion, or 'all' (every judged emotion pooled). */
  readonly emotion: Emotion | 'all';
  /** Cells present in both runs (same face, same emotion) that the judge has a label for. */
  readonly n: number;
  readonly correctA: number;
  readonly correctB: number;
  /** Cells right in B and wrong in A, and the reverse. */
  readonly gained: number;
  readonly lost: number;
  /** Mean over cells of B's target probability minus A's (a face not found counts as 0). */
  readonly meanDifference: number;
  /** Its standard error (sample standard deviation over sqrt n; null under 2 cells). */
  readonly standardError: number | null;
  /** Mean identity distance of B minus A over cells where both have one (null: none). */
  readonly identityDifference: number | null;
  readonly identityCells: number;
}

export interface PairedComparison {
  readonly a: readonly string[];
  readonly b: readonly string[];
  /** Emotions in EMOTIONS order (those with judged cells), then 'all'. */
  readonly rows: readonly PairedRow[];
  /** Cells of A with no partner in B, and of B with none in A (judged emotions only). */
  readonly unmatched: { readonly a: number; readonly b: number };
}

const key = (set: number, c: Cell) => `${set}\u0000${c.face}\u0000${c.emotion}`;

/**
 * Pairs A's and B's cells set by set (pairs[k] = [A on set k, B on set k]; a face may appear
 * in several sets and is then several faces) and summarises the differences per emotion and
 * over all judged cells. Cells without a judge label (contempt on the dev judge) are left out.
 * Throws when a run holds two cells for one face and emotion (two models mixed up).
 */
export function comparePaired(pairs: readonly (readonly [CellSet, CellSet])[]): PairedComparison {
  if (pairs.length === 0) throw new Error('compare: no runs to compare');
  const per = new Map<Emotion, { a: Cell; b: Cell }[]>();
  let unmatchedA = 0, unmatchedB = 0;
  pairs.forEach(([A, B], set) => {
    const index = (s: CellSet) => {
      const m = new Map<string, Cell>();
      for (const c of s.cells) {
        if (c.judgeLabel === null) continue;
        const k = key(set, c);
        if (m.has(k)) throw new Error(`compare: ${s.label} has two cells for ${c.face} ${c.emotion} (give one model)`);
        m.set(k, c);
      }
      return m;
    };
    const ia = index(A), ib = index(B);
    for (const [k, a] of ia) {
      const b = ib.get(k);
      if (!b) { unmatchedA++; continue; }
      const list = per.get(a.emotion) ?? [];
      list.push({ a, b });
      per.set(a.emotion, list);
    }
    for (const k of ib.keys()) if (!ia.has(k)) unmatchedB++;
  });
  const rows: PairedRow[] = [];
  const all: { a: Cell; b: Cell }[] = [];
  for (const e of EMOTIONS) {
    const list = per.get(e);
    if (!list?.length) continue;
    rows.push(summarise(e, list));
    all.push(...list);
  }
  if (all.length === 0) throw new Error('compare: the runs share no judged cell (same faces, same emotions)');
  rows.push(summarise('all', all));
  return { a: pairs.map(([A]) => A.label), b: pairs.map(([, B]) => B.label), rows, unmatched: { a: unmatchedA, b: unmatchedB } };
}

const prob = (c: Cell) => (c.detected ? c.targetProbability ?? 0 : 0);

function summarise(emotion: Emotion | 'all', list: readonly { a: Cell; b: Cell }[]): PairedRow {
  let correctA = 0, correctB = 0, gained = 0, lost = 0, sum = 0, idSum = 0, idN = 0;
  const d = list.map(({ a, b }) => {
    const ra = a.correct === true, rb = b.correct === true;
    if (ra) correctA++;
    if (rb) correctB++;
    if (rb && !ra) gained++;
    if (ra && !rb) lost++;
    if (a.identityDistance !== null && b.identityDistance !== null) { idSum += b.identityDistance - a.identityDistance; idN++; }
    const x = prob(b) - prob(a);
    sum += x;
    return x;
  });
  const n = d.length, mean = sum / n;
  let ss = 0;
  for (const x of d) ss += (x - mean) ** 2;
  return {
    emotion, n, correctA, correctB, gained, lost,
    meanDifference: mean,
    standardError: n >= 2 ? Math.sqrt(ss / (n - 1) / n) : null,
    identityDifference: idN ? idSum / idN : null,
    identityCells: idN,
  };
}

const pts = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)}`;

/** The comparison as Markdown: one row per emotion, then all judged cells. */
export function comparisonMarkdown(c: PairedComparison): string {
  const out = [
    '# Paired comparison', '',
    `A (control): ${c.a.join('; ')}`, '',
    `B (candidate): ${c.b.join('; ')}`, '',
    'Cells paired by face and emotion. Probability: the judge\'s probability of the emotion asked for, B minus A, in points (a face not found counts as 0), mean and standard error over the cells. Identity: descriptor distance to the face as it came in, B minus A (lower: more like the person).', '',
    '| emotion | cells | right A | right B | gained | lost | probability B − A (se) | identity B − A |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of c.rows) {
    const se = r.standardError === null ? 'n/a' : (r.standardError * 100).toFixed(1);
    const id = r.identityDifference === null ? 'n/a' : `${r.identityDifference >= 0 ? '+' : '−'}${Math.abs(r.identityDifference).toFixed(3)}`;
    const name = r.emotion === 'all' ? '**all judged**' : r.emotion;
    out.push(`| ${name} | ${r.n} | ${r.correctA} | ${r.correctB} | ${r.gained} | ${r.lost} | ${pts(r.meanDifference)} (${se}) | ${id} |`);
  }
  if (c.unmatched.a || c.unmatched.b) out.push('', `Unpaired cells left out: ${c.unmatched.a} of A, ${c.unmatched.b} of B.`);
  return out.join('\n') + '\n';
}
