/**
 * Splits classified tokens into sequence segments ("happy, then sad", "happy 1s sad 2s",
 * "happy, sad, angry"), reads each segment's explicit duration, scores it and lays the
 * segments out in time. Pure: no I/O.
 */
import { dominantEmotion } from '../core/emotions.ts';
import type { Tok } from './classify.ts';
import { MAX_DURATION, MAX_SEGMENTS, MIN_DURATION } from './modifiers.ts';
import { scoreSegment } from './scorer.ts';
import type { TargetSegment } from './types.ts';

export interface BuiltTimeline {
  segments: TargetSegment[];
  messages: string[];
  /**
   * Unknown words worth a spelling suggestion: those in short segments ("hapy, then sad") or in
   * segments nothing else was understood in. Unknown words inside an understood sentence are
   * usually ordinary words ("flight", "art"), and suggesting "fright" or "arg" would be noise.
   */
  suggestFor: Tok[];
}

/** Segments with at most this many words are trigger phrases, not sentences. */
const SHORT_SEGMENT_WORDS = 4;

function splitOn(toks: readonly Tok[], isSep: (t: Tok) => boolean): Tok[][] {
  const pieces: Tok[][] = [[]];
  for (const t of toks) {
    if (isSep(t)) pieces.push([]);
    else pieces[pieces.length - 1]?.push(t);
  }
  return pieces;
}

const hasEmotion = (piece: readonly Tok[]): boolean => piece.some((t) => t.t === 'emotion');

/** A piece made only of emotion words and their modifiers (no ordinary words): a list item. */
function isPureList(piece: readonly Tok[]): boolean {
  return hasEmotion(piece) && piece.every((t) => t.t !== 'filler' && t.t !== 'unknown');
}

/** "happy, sad, angry" is a sequence; "Ugh, this smells terrible" is one sentence. */
function splitLists(chunk: readonly Tok[]): Tok[][] {
  const pieces = splitOn(chunk, (t) => t.t === 'break' && t.comma).filter((p) => p.length > 0);
  if (pieces.length < 2 || !pieces.every(isPureList)) return [[...chunk]];
  // "Whatever, who cares" and "ugh, gross" say one thing twice: only a list of different emotions is a sequence.
  const dominants = new Set(pieces.map((piece) => dominantEmotion(scoreSegment(piece).weights)));
  return dominants.size >= 2 ? pieces : [[...chunk]];
}

/** "happy 1s sad 2s": a duration after an emotion closes the segment when another emotion follows. */
function splitAfterDurations(chunk: readonly Tok[]): Tok[][] {
  const out: Tok[][] = [];
  let cur: Tok[] = [];
  let closed = false;
  for (const t of chunk) {
    if (closed && t.t === 'emotion') { out.push(cur); cur = []; closed = false; }
    cur.push(t);
    if (t.t === 'duration' && hasEmotion(cur)) closed = true;
  }
  out.push(cur);
  return out;
}

/** The first duration in the piece, validated and clamped; undefined when none. */
function durationOf(piece: readonly Tok[], messages: string[]): number | undefined {
  let result: number | undefined;
  for (const t of piece) {
    if (t.t !== 'duration') continue;
    const text = t.raws.join(' ');
    if (result !== undefined) { messages.push(`'${text}': only the first duration of a segment is used.`); continue; }
    const s = t.seconds;
    if (Number.isNaN(s)) { messages.push(`'${text}' is not a number of seconds; using the default.`); continue; }
    if (s < 0) { messages.push(`'${text}': a duration cannot be negative; using the default.`); continue; }
    if (s > MAX_DURATION) {
      messages.push(`'${text}' is longer than the ${MAX_DURATION} s limit; holding for ${MAX_DURATION} s.`);
      result = MAX_DURATION;
    } else if (s < MIN_DURATION) {
      messages.push(`'${text}' is shorter than ${MIN_DURATION} s; using ${MIN_DURATION} s.`);
      result = MIN_DURATION;
    } else {
      result = s;
    }
  }
  return result;
}

export function buildTimeline(toks: readonly Tok[], defaultDuration: number): BuiltTimeline {
  const messages: string[] = [];
  const suggestFor: Tok[] = [];
  const pieces = splitOn(toks, (t) => t.t === 'sequence').flatMap(splitLists).flatMap(splitAfterDurations);
  const scored: { seg: Omit<TargetSegment, 'start'>; explicit: boolean }[] = [];
  for (const piece of pieces) {
    const local: string[] = [];
    const d = durationOf(piece, local);
    const score = scoreSegment(piece);
    const wordCount = piece.filter((t) => t.t !== 'break' && t.t !== 'duration').length;
    if (!score.understood || wordCount <= SHORT_SEGMENT_WORDS) suggestFor.push(...piece.filter((t) => t.t === 'unknown'));
    if (!score.understood) {
      const orphan = piece.filter((t) => t.t === 'duration').map((t) => t.raws.join(' '));
      if (orphan.length > 0) messages.push(`'${orphan.join("', '")}': no emotion to apply this duration to; ignored.`);
      continue;
    }
    messages.push(...local);
    scored.push({
      seg: { weights: score.weights, intensity: score.intensity, duration: d ?? null, words: score.words },
      explicit: d !== undefined,
    });
  }
  if (scored.length > MAX_SEGMENTS) {
    messages.push(`Only the first ${MAX_SEGMENTS} of ${scored.length} segments are used.`);
    scored.length = MAX_SEGMENTS;
  }
  const segments: TargetSegment[] = [];
  let t = 0;
  scored.forEach(({ seg, explicit }, i) => {
    const last = i === scored.length - 1;
    const duration = explicit ? seg.duration : last ? null : defaultDuration;
    segments.push({ weights: seg.weights, intensity: seg.intensity, start: +t.toFixed(6), duration, words: seg.words });
    t += duration ?? 0;
  });
  return { segments, messages, suggestFor };
}
