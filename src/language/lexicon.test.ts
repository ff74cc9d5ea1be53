import { describe, expect, it } from 'vitest';
import { EMOTIONS } from '../core/emotions.ts';
import { EMOJI_GROUPS, EMOTICON_GROUPS, PHRASE_GROUPS, WORD_GROUPS, type LexGroup } from './lexicon.ts';
import { COMMON_WORDS } from './common-words.ts';
import { EMOJI, EMOTICONS, LEXICON, PHRASES } from './vocabulary.ts';

const keys = (groups: readonly LexGroup[], sep: RegExp): string[] => groups.flatMap((g) => g.words.split(sep).filter(Boolean));

describe('lexicon data', () => {
  it('has a few hundred words and emoji', () => {
    console.log(`lexicon: ${LEXICON.size} words, ${PHRASES.size} phrases, ${EMOJI.size} emoji, ${EMOTICONS.size} emoticons`);
    expect(LEXICON.size).toBeGreaterThan(500);
    expect(EMOJI.size + EMOTICONS.size).toBeGreaterThan(100);
  });

  it('lists every word once', () => {
    for (const [groups, sep] of [[WORD_GROUPS, /\s+/], [PHRASE_GROUPS, /\|/], [EMOJI_GROUPS, /\s+/], [EMOTICON_GROUPS, /\s+/]] as const) {
      const all = keys(groups, sep);
      const dups = all.filter((w, i) => all.indexOf(w) !== i);
      expect(dups).toEqual([]);
    }
  });

  it('uses lower-case words and valid weights', () => {
    for (const g of [...WORD_GROUPS, ...PHRASE_GROUPS]) expect(g.words).toBe(g.words.toLowerCase());
    for (const g of [...WORD_GROUPS, ...PHRASE_GROUPS, ...EMOJI_GROUPS, ...EMOTICON_GROUPS]) {
      for (const [k, v] of Object.entries(g.w)) {
        expect(EMOTIONS).toContain(k);
        expect(v).toBeGreaterThan(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(g.s ?? 0.8).toBeGreaterThan(0);
      expect(g.s ?? 0.8).toBeLessThanOrEqual(1);
    }
  });

  it('normalises each entry to weights summing to 1', () => {
    for (const m of [LEXICON, PHRASES, EMOJI, EMOTICONS]) {
      for (const [, e] of m) {
        const sum = Object.values(e.weights).reduce((a, b) => a + (b ?? 0), 0);
        expect(sum).toBeCloseTo(1, 9);
      }
    }
  });

  it('keeps the everyday-word list lower case', () => {
    for (const w of COMMON_WORDS) expect(w).toMatch(/^[a-z']+$/);
  });
});
