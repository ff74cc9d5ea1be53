/**
 * Scores one segment's tokens into a blend of emotions and an intensity, applying negation
 * (reverses the next emotion word within a short window), intensifiers (scale the next emotion
 * word), hedges ("not very X"), exclamation and shouting emphasis. Pure: no I/O.
 */
import type { Emotion, EmotionWeights } from '../core/emotions.ts';
import { EMOTIONS } from '../core/emotions.ts';
import type { Tok } from './classify.ts';
import { HEDGE_AMPLIFIERS, INTENSIFIER_WINDOW, NEGATION_WINDOW, NOT_VERY } from './modifiers.ts';
import { hedgeEntry, negateEntry } from './negation.ts';
import type { LexEntry } from './vocabulary.ts';

export interface SegmentScore {
  /** Non-neutral weights summing to <= 1 (a neutral share makes the sum smaller). */
  weights: EmotionWeights;
  intensity: number;
  words: string[];
  /** True when any emotion (or explicitly neutral) word was read. */
  understood: boolean;
}

interface Contribution {
  weights: Readonly<EmotionWeights>;
  intensity: number;
  blend: number;
  words: string[];
}

/** Adverbs blend at this fraction: "happily surprised" is mostly surprised. */
const ADVERB_BLEND = 0.6;
/** Components below this share are dropped as noise. */
const MIN_SHARE = 0.08;
/** "?!" reads as a little surprise. */
const INTERROBANG: LexEntry = { weights: { surprised: 1 }, strength: 0.5, adv: false };

const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
const floor3 = (x: number): number => Math.floor(x * 1000 + 1e-9) / 1000;

export function scoreSegment(toks: readonly Tok[]): SegmentScore {
  const contributions: Contribution[] = [];
  // Pending negator and intensifier (kept in an object: closures below update them).
  const st: {
    neg: { raws: string[]; dist: number } | null;
    int: { raws: string[]; mult: number; dist: number; hedge: boolean } | null;
  } = {
    neg: null,
    int: null,
  };
  let exclaim = 0;

  const emit = (entry: LexEntry, raws: readonly string[], emphasis: number): void => {
    let e = entry;
    const words: string[] = [];
    if (st.neg) { e = negateEntry(e); words.push(...st.neg.raws); }
    if (st.int?.hedge) e = hedgeEntry(e);
    if (st.int) words.push(...st.int.raws);
    words.push(...raws);
    const intensity = clamp01(e.strength * (st.int?.mult ?? 1) * emphasis);
    contributions.push({ weights: e.weights, intensity, blend: intensity * (e.adv ? ADVERB_BLEND : 1), words });
    st.neg = null;
    st.int = null;
  };

  for (const tok of toks) {
    switch (tok.t) {
      case 'negator':
        // "not not happy" cancels out.
        st.neg = st.neg ? null : { raws: tok.raws, dist: 0 };
        break;
      case 'intensifier': {
        const lemma = tok.raws.join(' ').toLowerCase();
        if (st.neg && st.neg.dist === 0 && HEDGE_AMPLIFIERS.has(lemma)) {
          st.int = { raws: [...st.neg.raws, ...tok.raws], mult: NOT_VERY, dist: 0, hedge: true };
          st.neg = null;
        } else {
          st.int = {
            raws: [...(st.int?.raws ?? []), ...tok.raws],
            mult: (st.int?.mult ?? 1) * tok.mult,
            dist: 0,
            hedge: (st.int?.hedge ?? false) || tok.hedge,
          };
        }
        break;
      }
      case 'emotion':
        emit(tok.entry, tok.raws, tok.emphasis);
        break;
      case 'break':
        exclaim += tok.exclaim;
        if (tok.interrobang) emit(INTERROBANG, tok.raws, 1);
        st.neg = null;
        st.int = null;
        break;
      case 'filler':
      case 'unknown':
        if (st.neg && ++st.neg.dist >= NEGATION_WINDOW) st.neg = null;
        if (st.int && ++st.int.dist >= INTENSIFIER_WINDOW) st.int = null;
        break;
      case 'duration':
      case 'sequence':
        break;
    }
  }

  if (contributions.length === 0) return { weights: {}, intensity: 0, words: [], understood: false };

  const emphasis = 1 + Math.min(exclaim, 3) * 0.05;
  const total: Partial<Record<Emotion, number>> = {};
  let sum = 0;
  let iNum = 0;
  let iDen = 0;
  for (const c of contributions) {
    let nonNeutral = 0;
    for (const e of EMOTIONS) {
      const v = (c.weights[e] ?? 0) * c.blend;
      if (v <= 0) continue;
      total[e] = (total[e] ?? 0) + v;
      sum += v;
      if (e !== 'neutral') nonNeutral += v;
    }
    if (nonNeutral > 0) { iNum += nonNeutral * c.intensity; iDen += nonNeutral; }
  }
  const words = contributions.flatMap((c) => c.words);
  if (sum <= 0 || iDen <= 0) return { weights: {}, intensity: 0, words, understood: true };

  // Shares, dropping small non-neutral components, renormalised with the neutral share kept.
  let keptSum = (total.neutral ?? 0) / sum;
  const kept: [Emotion, number][] = [];
  for (const e of EMOTIONS) {
    if (e === 'neutral') continue;
    const share = (total[e] ?? 0) / sum;
    if (share >= MIN_SHARE) { kept.push([e, share]); keptSum += share; }
  }
  const weights: EmotionWeights = {};
  for (const [e, share] of kept) weights[e] = floor3(share / keptSum);
  const intensity = floor3(clamp01((iNum / iDen) * emphasis));
  return { weights, intensity, words, understood: true };
}
