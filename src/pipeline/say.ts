/**
 * From the user's words to expression targets, through the trigger language.
 */
import { parseTrigger } from '../language/index.ts';
import type { ExpressionTarget } from '../motion/animator.ts';

export interface SayResult {
  targets: ExpressionTarget[];
  messages: string[];
  understood: boolean;
}

/** `intensity`, when given, replaces the intensity the words implied (0..1). */
export function targetsFromSay(text: string, intensity?: number): SayResult {
  const parsed = parseTrigger(text);
  const targets = parsed.timeline.map((seg): ExpressionTarget => ({
    weights: seg.weights,
    intensity: intensity ?? seg.intensity,
    start: seg.start,
    duration: seg.duration,
  }));
  return { targets, messages: parsed.messages, understood: parsed.ok };
}
