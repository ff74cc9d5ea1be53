/**
 * EmoteBot's emotion vocabulary: neutral plus Ekman's seven.
 * Pure data and maths: no DOM, no I/O.
 */
export const EMOTIONS = ['neutral', 'happy', 'sad', 'surprised', 'angry', 'fearful', 'disgusted', 'contempt'] as const;
export type Emotion = (typeof EMOTIONS)[number];

/** Non-negative weight per emotion. Missing entries are 0. */
export type EmotionWeights = Partial<Record<Emotion, number>>;

/** Common spellings of the eight names (dataset labels and everyday forms). */
const ALIASES: Readonly<Record<string, Emotion>> = {
  neutral: 'neutral', calm: 'neutral', none: 'neutral',
  happy: 'happy', happiness: 'happy', joy: 'happy',
  sad: 'sad', sadness: 'sad',
  surprise: 'surprised', surprised: 'surprised',
  angry: 'angry', anger: 'angry',
  fear: 'fearful', fearful: 'fearful', afraid: 'fearful', scared: 'fearful',
  disgust: 'disgusted', disgusted: 'disgusted',
  contempt: 'contempt', contemptuous: 'contempt',
};

export function isEmotion(s: string): s is Emotion {
  return (EMOTIONS as readonly string[]).includes(s);
}

/** Maps a name such as "Happiness" or "anger" to the vocabulary, or undefined. */
export function emotionFromName(name: string): Emotion | undefined {
  return ALIASES[name.trim().toLowerCase()];
}

/**
 * Scales weights so the non-neutral ones sum to at most 1 and drops negatives and NaN.
 * An empty or all-zero input is neutral.
 */
export function normaliseWeights(w: EmotionWeights): EmotionWeights {
  const out: EmotionWeights = {};
  let sum = 0;
  for (const e of EMOTIONS) {
    const v = w[e];
    if (e === 'neutral' || v === undefined || !Number.isFinite(v) || v <= 0) continue;
    out[e] = v;
    sum += v;
  }
  if (sum > 1) for (const e of EMOTIONS) if (out[e] !== undefined) out[e] = out[e]! / sum;
  return out;
}

/** The emotion with the largest weight; neutral when none is positive. */
export function dominantEmotion(w: EmotionWeights): Emotion {
  let best: Emotion = 'neutral';
  let bv = 0;
  for (const e of EMOTIONS) {
    const v = w[e] ?? 0;
    if (e !== 'neutral' && v > bv) { bv = v; best = e; }
  }
  return best;
}
