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
  return dlCodes(Array.from(a, (c) => c.codePointAt(0) ?? 0), Array.from(b, (c) => c.codePointAt(0) ?? 0));
}

let buf = new Int32Array(0);

function dlCodes(s: readonly number[], t: readonly number[]): number {
  const n = s.length;
  const m = t.length;
  if (n === 0) return m;
  if (m === 0) return n;
  const inf = n + m;
  const w = m + 2;
  const size = (n + 2) * w;
  if (buf.length < size) buf = new Int32Array(Math.max(size, 1024));
  const d = buf;
  // d is (n+2) x (m+2), row-major; row/col 0 hold the sentinel.
  d[0] = inf;
  for (let i = 0; i <= n; i++) { d[(i + 1) * w] = inf; d[(i + 1) * w + 1] = i; }
  for (let j = 0; j <= m; j++) { d[j + 1] = inf; d[w + j + 1] = j; }
  const lastRow = new Map<number, number>();
  for (let i = 1; i <= n; i++) {
    let lastMatchCol = 0;
    const si = s[i - 1] ?? 0;
    for (let j = 1; j <= m; j++) {
      const tj = t[j - 1] ?? 0;
      const i1 = lastRow.get(tj) ?? 0;
      const j1 = lastMatchCol;
      const cost = si === tj ? 0 : 1;
      if (cost === 0) lastMatchCol = j;
      d[(i + 1) * w + j + 1] = Math.min(
        (d[i * w + j] ?? inf) + cost,
        (d[(i + 1) * w + j] ?? inf) + 1,
        (d[i * w + j + 1] ?? inf) + 1,
        (d[i1 * w + j1] ?? inf) + (i - i1 - 1) + 1 + (j - j1 - 1),
      );
    }
    lastRow.set(si, i);
  }
  return d[(n + 1) * w + m + 1] ?? inf;
}

/** The words suggestions are drawn from: lexicon words and intensifiers, three letters or more. */
const VOCAB: readonly { word: string; codes: number[] }[] = [...new Set([...LEXICON.keys(), ...INTENSIFIERS.keys()])]
  .filter((w) => Array.from(w).length >= 3)
  .map((word) => ({ word, codes: Array.from(word, (c) => c.codePointAt(0) ?? 0) }));
const VOCAB_CHARS: ReadonlySet<number> = new Set(VOCAB.flatMap((v) => v.codes));

/** Largest distance worth suggesting for a word of this length. */
export function maxDistanceFor(length: number): number {
  if (length < 3) return 0;
  if (length <= 5) return 1;
  return 2;
}

/** Up to `limit` vocabulary words closest to `word`, best first; empty when none is close. */
export function suggest(word: string, limit = 3): string[] {
  const w = word.toLowerCase();
  const codes = Array.from(w, (c) => c.codePointAt(0) ?? 0);
  const len = codes.length;
  const maxD = maxDistanceFor(len);
  if (maxD === 0 || len > 30) return [];
  // Characters no vocabulary word uses each cost an edit: too many, and nothing can be close.
  if (codes.filter((c) => !VOCAB_CHARS.has(c)).length > maxD) return [];
  const found: { word: string; d: number }[] = [];
  for (const v of VOCAB) {
    if (Math.abs(v.codes.length - len) > maxD) continue;
    const d = dlCodes(codes, v.codes);
    if (d > 0 && d <= maxD) found.push({ word: v.word, d });
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
