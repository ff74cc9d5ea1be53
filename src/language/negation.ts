/**
 * Negation semantics. "not happy" is a weak sad-ish face (never a smile), "not sad" / "not unhappy"
 * a mild smile, "not angry" / "not scared" / "not disgusted" a calm (neutral) face, "not calm" a
 * little agitated. Weaker than the word itself: a negated word gives about 40% of its strength.
 * Pure: no I/O.
 */
import type { Emotion, EmotionWeights } from '../core/emotions.ts';
import { EMOTIONS } from '../core/emotions.ts';
import type { LexEntry } from './vocabulary.ts';

/** Where each emotion goes under negation, and how much of the strength survives. */
const NEGATION_MAP: Readonly<Record<Emotion, { to: EmotionWeights; keep: number }>> = {
  happy: { to: { sad: 1 }, keep: 0.4 },
  sad: { to: { happy: 1 }, keep: 0.35 },
  angry: { to: { neutral: 1 }, keep: 0.4 },
  fearful: { to: { neutral: 1 }, keep: 0.4 },
  disgusted: { to: { neutral: 1 }, keep: 0.4 },
  contempt: { to: { neutral: 1 }, keep: 0.4 },
  surprised: { to: { neutral: 1 }, keep: 0.4 },
  neutral: { to: { sad: 0.4, fearful: 0.3, angry: 0.3 }, keep: 0.4 },
};

export function negateEntry(entry: LexEntry): LexEntry {
  const weights: EmotionWeights = {};
  let keep = 0;
  for (const e of EMOTIONS) {
    const v = entry.weights[e] ?? 0;
    if (v <= 0) continue;
    const rule = NEGATION_MAP[e];
    keep += v * rule.keep;
    for (const t of EMOTIONS) {
      const tv = rule.to[t] ?? 0;
      if (tv > 0) weights[t] = (weights[t] ?? 0) + v * tv;
    }
  }
  return { weights, strength: entry.strength * (keep > 0 ? keep : 0.4), adv: entry.adv };
}

/**
 * A hedge ("not very happy", "isn't too scared"): the same emotion held back to the hedge level,
 * except that a hedged smile reads as mild displeasure ("I'm not very happy about this").
 */
export function hedgeEntry(entry: LexEntry): LexEntry {
  const happy = entry.weights.happy ?? 0;
  if (happy <= 0) return entry;
  const weights: EmotionWeights = { ...entry.weights };
  delete weights.happy;
  weights.sad = (weights.sad ?? 0) + happy;
  return { weights, strength: entry.strength, adv: entry.adv };
}
