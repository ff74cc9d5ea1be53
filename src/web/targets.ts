/**
 * What the page's controls ask for, as expression targets. Pure (no DOM): the words go through
 * the same trigger language as the CLI (pipeline/say.ts).
 */
import type { Emotion } from '../core/emotions.ts';
import type { ExpressionTarget } from '../motion/animator.ts';
import { targetsFromSay, type SayResult } from '../pipeline/say.ts';

const clamp01 = (v: number): number => (Number.isFinite(v) ? Math.min(Math.max(v, 0), 1) : 1);

/** One emotion, held until the next trigger; neutral releases everything. */
export function emotionTargets(emotion: Emotion, intensity: number): ExpressionTarget[] {
  if (emotion === 'neutral') return [{ weights: {}, intensity: 0, start: 0, duration: null }];
  return [{ weights: { [emotion]: 1 }, intensity: clamp01(intensity), start: 0, duration: null }];
}

/**
 * Typed words: the timeline the words describe, each segment's strength (what "a bit" or
 * "very" implied) scaled by the slider, 0..1.
 */
export function textTargets(text: string, strength: number): SayResult {
  const say = targetsFromSay(text);
  const k = clamp01(strength);
  return { ...say, targets: say.targets.map((t) => ({ ...t, intensity: clamp01(t.intensity * k) })) };
}

/** A one-line summary of the targets for the page ("happy 80%, then sad 45%"). */
export function describeTargets(targets: readonly ExpressionTarget[]): string {
  const parts = targets.map((t) => {
    const names = Object.entries(t.weights)
      .filter(([, v]) => (v ?? 0) > 0)
      .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
      .map(([e]) => e);
    if (names.length === 0 || t.intensity <= 0) return 'neutral';
    return `${names.join(' + ')} ${Math.round(t.intensity * 100)}%`;
  });
  return parts.length > 0 ? parts.join(', then ') : 'neutral';
}
