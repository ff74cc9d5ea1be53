/**
 * Public types of the trigger language. Pure: no I/O.
 */
import type { EmotionWeights } from '../core/emotions.ts';

/** One target expression in the timeline. */
export interface TargetSegment {
  /** Non-neutral weights, each in [0,1], summing to <= 1 ('neutral' never present; all-zero = neutral face). */
  weights: EmotionWeights;
  /** 0..1: 0.8 for a plain emotion word, ~0.35 "slightly", ~0.45 "a bit", 1.0 "very"/"extremely". 0 for a neutral face. */
  intensity: number;
  /** Seconds from the trigger. */
  start: number;
  /** Seconds to hold, or null = hold until the next segment / indefinitely (last segment). */
  duration: number | null;
  /** The source words/emoji that caused it (emotion words with their modifiers and negators). */
  words: string[];
}

export interface ParseResult {
  /** At least one segment, always. */
  timeline: TargetSegment[];
  /** Human-readable notes: unknown words with suggestions, refusals, clamped durations. */
  messages: string[];
  /** False when nothing was understood or the input was refused (the timeline is then one neutral segment). */
  ok: boolean;
}

export interface ParseOptions {
  /** Seconds given to a segment without an explicit duration that is followed by another one (default 2, max 60). */
  defaultDuration?: number;
}
