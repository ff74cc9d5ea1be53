/**
 * EmoteBot's trigger language: text in, a timeline of target expressions out.
 *
 *   parseTrigger('very happy, then slightly sad')
 *     -> [{ weights: { happy: 1 }, intensity: 1, start: 0, duration: 2, words: ['very', 'happy'] },
 *         { weights: { sad: 1 }, intensity: 0.35, start: 2, duration: null, words: ['slightly', 'sad'] }]
 *
 * Pipeline: sanitize -> tokenize -> classify -> split into segments -> score -> lay out in time.
 * Never throws; refused or unreadable input gives one neutral segment, ok: false and a message.
 * Pure: no DOM, no I/O.
 */
import { classify, type Tok } from './classify.ts';
import { DEFAULT_DURATION, MAX_DURATION } from './modifiers.ts';
import { suggest, suggestionMessage } from './suggest.ts';
import { buildTimeline } from './timeline.ts';
import { sanitize, tokenize } from './tokenizer.ts';
import type { ParseOptions, ParseResult, TargetSegment } from './types.ts';

export type { ParseOptions, ParseResult, TargetSegment } from './types.ts';
export { formatTimeline } from './format.ts';
export { damerauLevenshtein, suggest } from './suggest.ts';

/** How many distinct unknown words get spelling suggestions. */
const MAX_SUGGESTED_WORDS = 8;

const HINT =
  "Try an emotion word such as 'happy', 'sad', 'surprised', 'angry', 'scared', 'disgusted' or 'smug', " +
  "an emoji such as 😀, a sequence such as 'happy, then sad', or a sentence.";

function neutralSegment(): TargetSegment {
  return { weights: {}, intensity: 0, start: 0, duration: null, words: [] };
}

function refused(message: string): ParseResult {
  return { timeline: [neutralSegment()], messages: [message], ok: false };
}

function sanitizeDefault(d: unknown): number {
  if (typeof d !== 'number' || !Number.isFinite(d) || d <= 0) return DEFAULT_DURATION;
  return Math.min(d, MAX_DURATION);
}

/** Suggestion messages for unknown words; also returns the unknown words with no suggestion. */
function unknownWordMessages(toks: readonly Tok[]): { messages: string[]; unmatched: string[] } {
  const messages: string[] = [];
  const unmatched: string[] = [];
  const seen = new Set<string>();
  for (const t of toks) {
    if (t.t !== 'unknown' || seen.has(t.norm)) continue;
    seen.add(t.norm);
    if (seen.size > MAX_SUGGESTED_WORDS) break;
    if (!/^[\p{L}']+$/u.test(t.norm) || Array.from(t.norm).length < 3) continue;
    let s = suggest(t.norm);
    if (s.length === 0 && /(.)\1\1/u.test(t.norm)) {
      const collapsed = t.norm.replace(/(.)\1+/gu, '$1');
      if (collapsed !== t.norm) s = suggest(collapsed);
    }
    const word = t.raws.join(' ');
    if (s.length > 0) messages.push(suggestionMessage(word, s));
    else unmatched.push(word);
  }
  return { messages, unmatched };
}

export function parseTrigger(text: string, options?: ParseOptions): ParseResult {
  try {
    const clean = sanitize(text);
    if (!clean.ok) return refused(clean.message);
    const toks = classify(tokenize(clean.text));
    const built = buildTimeline(toks, sanitizeDefault(options?.defaultDuration));
    const unknown = unknownWordMessages(built.suggestFor);
    const messages = [...clean.notes, ...unknown.messages, ...built.messages];
    if (built.segments.length === 0) {
      const quoted = unknown.unmatched.slice(0, 5).map((w) => `'${w}'`).join(', ');
      messages.push(
        unknown.messages.length > 0
          ? `Nothing was recognised, so the face stays neutral. ${HINT}`
          : `No emotion recognised${quoted ? ` (unknown: ${quoted})` : ''}; the face stays neutral. ${HINT}`,
      );
      return { timeline: [neutralSegment()], messages, ok: false };
    }
    return { timeline: built.segments, messages, ok: true };
  } catch (err) {
    // Defensive: the parser is designed never to throw, but a trigger must never crash the bot.
    return refused(`Internal parser error (${err instanceof Error ? err.message : String(err)}); the face stays neutral.`);
  }
}

export { DEFAULT_DURATION, MAX_DURATION, MAX_INPUT_CHARS, MAX_SEGMENTS } from './modifiers.ts';
