/**
 * Word lookup: what one lower-cased word is, after undoing elongation ("sooo", "happyyy"),
 * possessives, hyphens, simple inflections ("smiled", "happier", "worries") and "un-" prefixes.
 * Pure: no I/O (a bounded memo table is the only state).
 */
import { COMMON_WORDS } from './common-words.ts';
import { DURATION_UNITS, INTENSIFIERS, NEGATORS, NUMBER_WORDS, SCOPE_BREAKERS, SEQUENCE_WORDS } from './modifiers.ts';
import { LEXICON, type LexEntry } from './vocabulary.ts';
import { negateEntry } from './negation.ts';

export type WordInfo =
  | { cls: 'emotion'; lemma: string; entry: LexEntry; elongated: boolean }
  | { cls: 'negator'; lemma: string; elongated: boolean }
  | { cls: 'intensifier'; lemma: string; mult: number; elongated: boolean }
  | { cls: 'sequence'; lemma: string; elongated: boolean }
  | { cls: 'breaker'; lemma: string; elongated: boolean }
  | { cls: 'common'; lemma: string; elongated: boolean }
  | { cls: 'unknown'; lemma: string; elongated: boolean };

function noApos(w: string): string {
  return w.replace(/'/g, '');
}

/** Exact classification of one form, without any rewriting. */
function exact(f: string, elongated: boolean): WordInfo | null {
  const k = noApos(f);
  if (NEGATORS.has(k) || /n't$/.test(f)) return { cls: 'negator', lemma: f, elongated };
  if (SEQUENCE_WORDS.has(f)) return { cls: 'sequence', lemma: f, elongated };
  if (SCOPE_BREAKERS.has(f)) return { cls: 'breaker', lemma: f, elongated };
  const mult = INTENSIFIERS.get(f);
  if (mult !== undefined) return { cls: 'intensifier', lemma: f, mult, elongated };
  const entry = LEXICON.get(f);
  if (entry !== undefined) return { cls: 'emotion', lemma: f, entry, elongated };
  if (COMMON_WORDS.has(f) || COMMON_WORDS.has(k) || NUMBER_WORDS.has(f) || DURATION_UNITS.has(f)) {
    return { cls: 'common', lemma: f, elongated };
  }
  return null;
}

/** Inflection rules: [suffix, replacement, adverb]. Tried in order; only lexicon hits count. */
const SUFFIXES: readonly (readonly [string, string, boolean])[] = [
  ['ily', 'y', true], ['ly', '', true], ['ly', 'le', true],
  ['iest', 'y', false], ['ier', 'y', false], ['est', '', false], ['er', '', false], ['est', 'e', false], ['er', 'e', false],
  ['iness', 'y', false], ['ness', '', false],
  ['ies', 'y', false], ['es', '', false], ['s', '', false],
  ['ied', 'y', false], ['ed', '', false], ['ed', 'e', false], ['d', '', false],
  ['ing', '', false], ['ing', 'e', false], ['in', '', false], ['in', 'e', false],
];

function inflected(f: string): { entry: LexEntry; lemma: string } | null {
  for (const [suf, rep, adv] of SUFFIXES) {
    if (!f.endsWith(suf) || f.length - suf.length < 2) continue;
    let stem = f.slice(0, f.length - suf.length) + rep;
    let entry = LEXICON.get(stem);
    // Doubled final consonant: "sadder" -> "sad", "sobbing" -> "sob".
    if (entry === undefined && rep === '' && /(.)\1$/.test(stem)) {
      stem = stem.slice(0, -1);
      entry = LEXICON.get(stem);
    }
    if (entry !== undefined) return { entry: adv && !entry.adv ? { ...entry, adv: true } : entry, lemma: stem };
  }
  return null;
}

/** "calls", "cancelled", "touching": an inflected everyday word, known but not emotional. */
function isInflectedCommon(f: string): boolean {
  for (const [suf, rep] of SUFFIXES) {
    if (!f.endsWith(suf) || f.length - suf.length < 2) continue;
    const stem = f.slice(0, f.length - suf.length) + rep;
    if (COMMON_WORDS.has(stem)) return true;
    if (rep === '' && /(.)\1$/.test(stem) && COMMON_WORDS.has(stem.slice(0, -1))) return true;
  }
  return false;
}

/** Variants of an elongated word: each run of 2+ equal letters becomes 1 or 2 letters. */
export function elongationVariants(w: string): string[] {
  const runs: { ch: string; len: number }[] = [];
  for (const ch of w) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last.ch === ch) last.len++;
    else runs.push({ ch, len: 1 });
  }
  const multi = runs.filter((r) => r.len >= 2).length;
  if (multi === 0) return [];
  const variants = new Set<string>();
  if (multi > 8) {
    variants.add(runs.map((r) => r.ch.repeat(Math.min(r.len, 2))).join(''));
    variants.add(runs.map((r) => r.ch).join(''));
  } else {
    for (let mask = 0; mask < 1 << multi; mask++) {
      let bit = 0;
      let s = '';
      for (const r of runs) {
        if (r.len >= 2) { s += r.ch.repeat((mask >> bit) & 1 ? 1 : 2); bit++; } else s += r.ch;
      }
      variants.add(s);
    }
  }
  variants.delete(w);
  return [...variants];
}

function resolve(w: string): WordInfo {
  const direct = exact(w, false);
  if (direct) return direct;
  const forms: string[] = [w];
  if (w.endsWith("'s")) forms.push(w.slice(0, -2));
  if (w.includes('-')) forms.push(w.replace(/-/g, ''));
  const elongated = /(.)\1\1/u.test(w);
  forms.push(...elongationVariants(w));
  for (const f of forms.slice(1)) {
    const hit = exact(f, elongated);
    if (hit) return hit;
  }
  for (const f of forms) {
    const inf = inflected(f);
    if (inf) return { cls: 'emotion', lemma: inf.lemma, entry: inf.entry, elongated };
  }
  // "unafraid", "unworried": a negated emotion word.
  if (w.startsWith('un') && w.length > 4) {
    const rest = resolve(w.slice(2));
    if (rest.cls === 'emotion') return { cls: 'emotion', lemma: w, entry: negateEntry(rest.entry), elongated };
  }
  for (const f of forms) if (COMMON_WORDS.has(f) || isInflectedCommon(f)) return { cls: 'common', lemma: f, elongated };
  return { cls: 'unknown', lemma: w, elongated };
}

const MEMO = new Map<string, WordInfo>();
const MEMO_LIMIT = 4096;

/** Classifies one lower-cased word (cached). */
export function lookupWord(norm: string): WordInfo {
  const hit = MEMO.get(norm);
  if (hit) return hit;
  // Runs longer than three letters say no more than three ("happyyyyyy" = "happyyy").
  const key = norm.replace(/(.)\1{3,}/gu, '$1$1$1');
  const info = key.length > 40 ? { cls: 'unknown' as const, lemma: key, elongated: false } : resolve(key);
  if (MEMO.size >= MEMO_LIMIT) MEMO.clear();
  MEMO.set(norm, info);
  return info;
}
