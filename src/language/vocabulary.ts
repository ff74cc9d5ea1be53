/**
 * Builds the lookup tables from the lexicon data once, at module load. Pure: no I/O.
 */
import type { Emotion, EmotionWeights } from '../core/emotions.ts';
import { EMOTIONS } from '../core/emotions.ts';
import { EMOJI_GROUPS, EMOTICON_GROUPS, PHRASE_GROUPS, PRIORITY_WORDS, WORD_GROUPS, type LexGroup } from './lexicon.ts';
import { PLAIN_INTENSITY } from './modifiers.ts';

/** A lexicon entry: relative weights (summing to 1, may include 'neutral'), strength, adverb flag. */
export interface LexEntry {
  readonly weights: Readonly<EmotionWeights>;
  readonly strength: number;
  readonly adv: boolean;
}

function entryOf(g: LexGroup): LexEntry {
  let sum = 0;
  for (const e of EMOTIONS) sum += Math.max(0, g.w[e] ?? 0);
  const weights: EmotionWeights = {};
  for (const e of EMOTIONS) {
    const v = g.w[e] ?? 0;
    if (v > 0 && sum > 0) weights[e as Emotion] = v / sum;
  }
  return { weights, strength: g.s ?? PLAIN_INTENSITY, adv: g.adv ?? false };
}

function build(groups: readonly LexGroup[], sep: RegExp): Map<string, LexEntry> {
  const m = new Map<string, LexEntry>();
  for (const g of groups) {
    const entry = entryOf(g);
    for (const w of g.words.split(sep)) {
      const k = w.trim();
      if (k.length > 0) m.set(k, entry);
    }
  }
  return m;
}

/** Single words. */
export const LEXICON: ReadonlyMap<string, LexEntry> = build(WORD_GROUPS, /\s+/);

/** Phrases keyed by their space-joined words; apostrophe-less variants added ("can't" / "cant"). */
export const PHRASES: ReadonlyMap<string, LexEntry> = (() => {
  const m = build(PHRASE_GROUPS, /\|/);
  for (const [k, v] of [...m]) if (k.includes("'")) m.set(k.replace(/'/g, ''), v);
  return m;
})();

/** Longest phrase length in words. */
export const MAX_PHRASE_WORDS = Math.max(...[...PHRASES.keys()].map((k) => k.split(' ').length));

/** Emoji keyed with variation selectors and skin tones removed. */
export const EMOJI: ReadonlyMap<string, LexEntry> = build(EMOJI_GROUPS, /\s+/);

/** Emoticons, longest first so ">:(" wins over ":(". */
export const EMOTICONS: ReadonlyMap<string, LexEntry> = build(EMOTICON_GROUPS, /\s+/);
export const EMOTICON_LIST: readonly string[] = [...EMOTICONS.keys()].sort((a, b) => b.length - a.length);
export const EMOTICON_FIRST_CHARS: ReadonlySet<string> = new Set(EMOTICON_LIST.map((e) => e[0] ?? ''));

/** Rank for suggestions: lower is preferred. */
export const PRIORITY: ReadonlyMap<string, number> = new Map(PRIORITY_WORDS.map((w, i) => [w, i]));
