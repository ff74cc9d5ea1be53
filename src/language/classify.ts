/**
 * Turns raw tokens into classified tokens: emotion words/phrases/emoji, negators, intensifiers,
 * sequence markers, durations, scope breaks, filler and unknown words. Multi-word expressions
 * ("over the moon", "a bit", "after that", "half a second") are joined here. Pure: no I/O.
 */
import { lookupWord } from './lookup.ts';
import {
  DURATION_PHRASES, DURATION_UNITS, INTENSIFIER_PHRASES, NUMBER_WORDS, SEQUENCE_PHRASES, SEQUENCE_PUNCT,
} from './modifiers.ts';
import type { RawToken } from './tokenizer.ts';
import { EMOJI, EMOTICONS, MAX_PHRASE_WORDS, PHRASES, type LexEntry } from './vocabulary.ts';

export type Tok =
  | { t: 'emotion'; raws: string[]; entry: LexEntry; emphasis: number }
  | { t: 'negator'; raws: string[] }
  | { t: 'intensifier'; raws: string[]; mult: number; hedge: boolean }
  | { t: 'sequence'; raws: string[] }
  | { t: 'break'; raws: string[]; comma: boolean; exclaim: number; interrobang: boolean }
  | { t: 'duration'; raws: string[]; seconds: number }
  | { t: 'filler'; raws: string[] }
  | { t: 'unknown'; raws: string[]; norm: string };

interface Item {
  raw: RawToken;
  lemma: string | null; // words only
}

const SEQ_PHRASES: ReadonlySet<string> = new Set(SEQUENCE_PHRASES);
const MAX_MULTI = Math.max(MAX_PHRASE_WORDS, 5);

function expandHyphens(tokens: readonly RawToken[]): RawToken[] {
  const out: RawToken[] = [];
  for (const t of tokens) {
    if (t.kind === 'word' && t.norm.includes('-') && lookupWord(t.norm).cls === 'unknown') {
      const raws = t.raw.split('-');
      for (const r of raws) if (r.length > 0) out.push({ kind: 'word', raw: r, norm: r.toLowerCase() });
    } else {
      out.push(t);
    }
  }
  return out;
}

function isShouting(raw: string): boolean {
  const letters = raw.replace(/[^\p{L}]/gu, '');
  return letters.length >= 2 && letters === letters.toUpperCase() && letters !== letters.toLowerCase();
}

const EMOJI_STRIP = /[\uFE0F\uFE0E\u{1F3FB}-\u{1F3FF}]/gu;

function emojiEntry(raw: string): LexEntry | undefined {
  const key = raw.replace(EMOJI_STRIP, '');
  const direct = EMOJI.get(key);
  if (direct) return direct;
  for (const part of key.split('\u200D')) {
    const e = EMOJI.get(part);
    if (e) return e;
  }
  return undefined;
}

function unitAt(items: readonly Item[], i: number): number | undefined {
  const it = items[i];
  return it?.lemma != null ? DURATION_UNITS.get(it.lemma) : undefined;
}

/** A duration starting at item i: [seconds, items consumed]. */
function durationAt(items: readonly Item[], i: number): [number, number] | null {
  const it = items[i];
  if (!it) return null;
  if (it.raw.kind === 'duration') return [it.raw.seconds, 1];
  if (it.raw.kind === 'number') {
    const u = unitAt(items, i + 1);
    return u !== undefined ? [it.raw.value * u, 2] : null;
  }
  if (it.lemma === null) return null;
  // Fixed phrases: "for a moment", "briefly".
  for (let len = 5; len >= 1; len--) {
    const words = lemmasAt(items, i, len);
    if (words === null) continue;
    const v = DURATION_PHRASES.get(words);
    if (v !== undefined) return [v, len];
  }
  // Word numbers need "for": "for half a second", "for two seconds", "for a couple of seconds",
  // "for 2" (bare number = seconds). Without "for", "wait a second" is not a duration.
  if (it.lemma !== 'for') return null;
  const next = items[i + 1];
  if (next?.raw.kind === 'number') {
    const u = unitAt(items, i + 2);
    return u !== undefined ? [next.raw.value * u, 3] : [next.raw.value, 2];
  }
  const l1 = next?.lemma ?? null;
  const l2 = items[i + 2]?.lemma ?? null;
  if (l1 === 'half' && (l2 === 'a' || l2 === 'an')) {
    const u = unitAt(items, i + 3);
    if (u !== undefined) return [0.5 * u, 4];
  }
  let j = i + 1;
  if ((l1 === 'a' || l1 === 'an') && (l2 === 'couple' || l2 === 'few')) j = i + 2;
  const lj = items[j]?.lemma ?? null;
  if (lj !== null && NUMBER_WORDS.has(lj)) {
    const n = NUMBER_WORDS.get(lj) ?? 1;
    let k = j + 1;
    if (items[k]?.lemma === 'of') k++;
    const u = unitAt(items, k);
    if (u !== undefined) return [n * u, k - i + 1];
  }
  return null;
}

/** Space-joined lemmas of `len` consecutive word items from i, or null. */
function lemmasAt(items: readonly Item[], i: number, len: number): string | null {
  const parts: string[] = [];
  for (let k = i; k < i + len; k++) {
    const l = items[k]?.lemma;
    if (l == null) return null;
    parts.push(l);
  }
  return parts.join(' ');
}

function rawsOf(items: readonly Item[], i: number, len: number): string[] {
  return items.slice(i, i + len).map((x) => x.raw.raw);
}

export function classify(tokens: readonly RawToken[]): Tok[] {
  const items: Item[] = expandHyphens(tokens).map((raw) => ({
    raw,
    lemma: raw.kind === 'word' ? lookupWord(raw.norm).lemma : null,
  }));
  const out: Tok[] = [];
  let i = 0;
  outer: while (i < items.length) {
    const it = items[i];
    if (!it) break;
    const dur = durationAt(items, i);
    if (dur) {
      out.push({ t: 'duration', raws: rawsOf(items, i, dur[1]), seconds: dur[0] });
      i += dur[1];
      continue;
    }
    const raw = it.raw;
    if (raw.kind === 'word') {
      for (let len = MAX_MULTI; len >= 1; len--) {
        const key = lemmasAt(items, i, len);
        if (key === null) continue;
        const phrase = len >= 2 ? PHRASES.get(key) : undefined;
        if (phrase) {
          out.push({ t: 'emotion', raws: rawsOf(items, i, len), entry: phrase, emphasis: 1 });
          i += len;
          continue outer;
        }
        if (len >= 2 && SEQ_PHRASES.has(key)) {
          out.push({ t: 'sequence', raws: rawsOf(items, i, len) });
          i += len;
          continue outer;
        }
        const mult = INTENSIFIER_PHRASES.get(key);
        if (mult !== undefined) {
          out.push({ t: 'intensifier', raws: rawsOf(items, i, len), mult, hedge: key.startsWith('not ') });
          i += len;
          continue outer;
        }
      }
      const info = lookupWord(raw.norm);
      const raws = [raw.raw];
      switch (info.cls) {
        case 'emotion': {
          const emphasis = (info.elongated ? 1.1 : 1) * (isShouting(raw.raw) ? 1.15 : 1);
          out.push({ t: 'emotion', raws, entry: info.entry, emphasis });
          break;
        }
        case 'negator': out.push({ t: 'negator', raws }); break;
        case 'intensifier': out.push({ t: 'intensifier', raws, mult: info.mult * (info.elongated ? 1.1 : 1), hedge: false }); break;
        case 'sequence': out.push({ t: 'sequence', raws }); break;
        case 'breaker': out.push({ t: 'break', raws, comma: false, exclaim: 0, interrobang: false }); break;
        case 'common': out.push({ t: 'filler', raws }); break;
        case 'unknown': out.push({ t: 'unknown', raws, norm: raw.norm }); break;
      }
      i++;
      continue;
    }
    if (raw.kind === 'emoji') {
      const entry = emojiEntry(raw.raw);
      out.push(entry ? { t: 'emotion', raws: [raw.raw], entry, emphasis: 1 } : { t: 'filler', raws: [raw.raw] });
    } else if (raw.kind === 'emoticon') {
      const entry = EMOTICONS.get(raw.raw);
      out.push(entry ? { t: 'emotion', raws: [raw.raw], entry, emphasis: 1 } : { t: 'filler', raws: [raw.raw] });
    } else if (raw.kind === 'punct') {
      const p = raw.raw;
      if (SEQUENCE_PUNCT.has(p) || p === '->' || p === '=>' || p === '>>') out.push({ t: 'sequence', raws: [p] });
      else {
        const bangs = (p.match(/[!¡]/g) ?? []).length;
        const interrobang = p.includes('‽') || (bangs > 0 && /[?¿]/.test(p));
        out.push({ t: 'break', raws: [p], comma: p === ',', exclaim: bangs, interrobang });
      }
    } else {
      // Numbers without a unit, and stray durations already handled above.
      out.push({ t: 'filler', raws: [raw.raw] });
    }
    i++;
  }
  return out;
}
