/**
 * Spelling suggestions by Damerau-Levenshtein distance against the trigger vocabulary.
 * Pure: no I/O.
 */
import { INTENSIFIERS } from './modifiers.ts';
import { LEXICON, PRIORITY } from './vocabulary.ts';

/**
 * Damerau-Levenshtein distance (unrestricted: insertions, deletions, substitutions and
 * transpositions of adjacent characters, with edits allowed between transposed characters),
 * over code points. Lowrance-Wagner algorithm.
 */
export function damerauLevenshtein(a: string, b: string): number {
  const s = Array.from(a);
  const t = Array.from(b);
  const n = s.length;
  const m = t.length;
  if (n === 0) return m;
  if (m === 0) return n;
  const inf = n + m;
  const w = m + 2;
  // d is (n+2) x (m+2), row-major; row/col 0 hold the sentinel.
  const d = new Array<number>((n + 2) * w).fill(0);
  const at = (i: number, j: number): number => d[i * w + j] ?? inf;
  const set = (i: number, j: number, v: number): void => { d[i * w + j] = v; };
  set(0, 0, inf);
  for (let i = 0; i <= n; i++) { set(i + 1, 0, inf); set(i + 1, 1, i); }
  for (let j = 0; j <= m; j++) { set(0, j + 1, inf); set(1, j + 1, j); }
  const lastRow = new Map<string, number>();
  for (let i = 1; i <= n; i++) {
    let lastMatchCol = 0;
    const si = s[i - 1] ?? '';
    for (let j = 1; j <= m; j++) {
      const tj = t[j - 1] ?? '';
      const i1 = lastRow.get(tj) ?? 0;
      const j1 = lastMatchCol;
      const cost = si === tj ? 0 : 1;
      if (cost === 0) lastMatchCol = j;
      set(i + 1, j + 1, Math.min(
        at(i, j) + cost,
        at(i + 1, j) + 1,
        at(i, j + 1) + 1,
        at(i1, j1) + (i - i1 - 1) + 1 + (j - j1 - 1),
      ));
    }
    lastRow.set(si, i);
  }
  return at(n + 1, m + 1);
}

/** The words suggestions are drawn from: lexicon words and intensifiers, three letters or more. */
const VOCAB: readonly string[] = [...new Set([...LEXICON.keys(), ...INTENSIFIERS.keys()])].filter(
  (w) => Array.from(w).length >= 3,
);

/** Largest distance worth suggesting for a word of this length. */
export function maxDistanceFor(length: number): number {
  if (length < 3) return 0;
  if (length <= 5) return 1;
  return 2;
}

/** Up to `limit` vocabulary words closest to `word`, best first; empty when none is close. */
export function suggest(word: string, limit = 3): string[] {
  const w = word.toLowerCase();
  const len = Array.from(w).length;
  const maxD = maxDistanceFor(len);
  if (maxD === 0 || len > 30) return [];
  const found: { word: string; d: number }[] = [];
  for (const v of VOCAB) {
    const vl = Array.from(v).length;
    if (Math.abs(vl - len) > maxD) continue;
    const d = damerauLevenshtein(w, v);
    if (d > 0 && d <= maxD) found.push({ word: v, d });
  }
  found.sort((x, y) =>
    x.d - y.d ||
    Number(y.word[0] === w[0]) - Number(x.word[0] === w[0]) ||
    (PRIORITY.get(x.word) ?? 999) - (PRIORITY.get(y.word) ?? 999) ||
    Math.abs(x.word.length - len) - Math.abs(y.word.length - len) ||
    (x.word < y.word ? -1 : x.word > y.word ? 1 : 0),
  );
  return found.slice(0, limit).map((f) => f.word);
}

/** "'hapy': did you mean 'happy'?" / "... 'angry' or 'agony'?" */
export function suggestionMessage(word: string, suggestions: readonly string[]): string {
  const q = suggestions.map((s) => `'${s}'`);
  const list = q.length <= 1 ? (q[0] ?? '') : `${q.slice(0, -1).join(', ')} or ${q[q.length - 1] ?? ''}`;
  return `'${word}': did you mean ${list}?`;
}
