/**
 * Exact behaviour of parseTrigger, formatTimeline and runParseCommand on key cases.
 */
import { describe, expect, it } from 'vitest';
import { dominantEmotion } from '../core/emotions.ts';
import { formatTimeline, parseTrigger, type ParseResult } from './index.ts';
import { runParseCommand } from './parse-command.ts';

const one = (text: string): ParseResult['timeline'][number] => {
  const r = parseTrigger(text);
  expect(r.timeline.length, text).toBe(1);
  return r.timeline[0]!;
};
const dom = (text: string): string => dominantEmotion(one(text).weights);

describe('single words', () => {
  it('a plain emotion word is one held segment at 0.8', () => {
    const r = parseTrigger('happy');
    expect(r.ok).toBe(true);
    expect(r.messages).toEqual([]);
    expect(r.timeline).toEqual([{ weights: { happy: 1 }, intensity: 0.8, start: 0, duration: null, words: ['happy'] }]);
  });

  it.each([
    ['happiness', 'happy'], ['furious', 'angry'], ['mad', 'angry'], ['annoyed', 'angry'], ['scared', 'fearful'],
    ['terrified', 'fearful'], ['shocked', 'surprised'], ['amazed', 'surprised'], ['gross', 'disgusted'],
    ['gloomy', 'sad'], ['heartbroken', 'sad'], ['smug', 'contempt'], ['😀', 'happy'], ['😢', 'sad'], ['😡', 'angry'],
    ['😱', 'fearful'], ['🤢', 'disgusted'], ['😮', 'surprised'], ['😏', 'contempt'], [':)', 'happy'], [':(', 'sad'],
    [':D', 'happy'], ['👍🏿', 'happy'], ['HAPPY', 'happy'], ['Happy!!!', 'happy'], ['sooo happyyy', 'happy'],
  ])('%s -> %s', (text, emotion) => {
    expect(dom(text)).toBe(emotion);
  });

  it('"neutral" and "calm" are understood as the neutral face', () => {
    for (const t of ['neutral', 'calm']) {
      const r = parseTrigger(t);
      expect(r.ok).toBe(true);
      expect(r.timeline[0]!.weights).toEqual({});
      expect(r.timeline[0]!.intensity).toBe(0);
    }
  });

  it('weights never contain neutral and sum to <= 1', () => {
    for (const t of ['meh', 'relaxed', 'calm but slightly annoyed', 'bittersweet', 'I am fine but a bit sad']) {
      for (const s of parseTrigger(t).timeline) {
        expect(s.weights.neutral).toBeUndefined();
        const sum = Object.values(s.weights).reduce((a, b) => a + (b ?? 0), 0);
        expect(sum).toBeLessThanOrEqual(1 + 1e-9);
      }
    }
  });
});

describe('intensity', () => {
  it('orders very > plain > a bit > slightly, with the documented levels', () => {
    const very = one('very happy').intensity;
    const plain = one('happy').intensity;
    const bit = one('a bit happy').intensity;
    const slightly = one('slightly happy').intensity;
    expect(very).toBeGreaterThan(plain);
    expect(plain).toBeGreaterThan(bit);
    expect(bit).toBeGreaterThan(slightly);
    expect(very).toBeCloseTo(1, 2);
    expect(plain).toBeCloseTo(0.8, 2);
    expect(bit).toBeCloseTo(0.45, 2);
    expect(slightly).toBeCloseTo(0.35, 2);
    expect(one('extremely happy').intensity).toBe(1);
    expect(one('not very happy').intensity).toBeCloseTo(0.35, 2);
  });

  it('intensifiers scope over the next emotion word only', () => {
    const seg = one('very happy and sad');
    expect(seg.weights.happy!).toBeGreaterThan(seg.weights.sad!);
    expect(seg.words).toEqual(['very', 'happy', 'sad']);
  });

  it('elongation, shouting and exclamation add emphasis', () => {
    expect(one('sooo happyyy').intensity).toBeGreaterThan(one('happy').intensity);
    expect(one('HAPPY').intensity).toBeGreaterThan(one('happy').intensity);
    expect(one('happy!!!').intensity).toBeGreaterThan(one('happy').intensity);
  });

  it('word strength: furious > angry > annoyed', () => {
    expect(one('furious').intensity).toBeGreaterThan(one('angry').intensity);
    expect(one('angry').intensity).toBeGreaterThan(one('annoyed').intensity);
  });
});

describe('negation', () => {
  it('"not happy" is weak and never happy-dominant', () => {
    const s = one('not happy');
    expect(dominantEmotion(s.weights)).not.toBe('happy');
    expect(['sad', 'neutral']).toContain(dominantEmotion(s.weights));
    expect(s.intensity).toBeLessThan(0.5);
    expect(s.words).toEqual(['not', 'happy']);
  });

  it('"not very happy" is mild displeasure; "not very scared" a little fear', () => {
    expect(dom("I'm not very happy about this")).toBe('sad');
    expect(dom('not very scared')).toBe('fearful');
    expect(one('not very scared').intensity).toBeCloseTo(0.35, 2);
  });

  it('"not unhappy" is a mild smile', () => {
    const s = one('not unhappy');
    expect(dominantEmotion(s.weights)).toBe('happy');
    expect(s.intensity).toBeLessThan(0.5);
  });

  it('"not sad" is neutral or a mild smile', () => {
    const s = one('not sad');
    expect(['neutral', 'happy']).toContain(dominantEmotion(s.weights));
    expect(s.intensity).toBeLessThan(0.5);
  });

  it.each([
    ["I'm not scared at all", 'neutral'], ['not angry', 'neutral'], ["I don't feel happy", 'sad'],
    ["I'm not sad, I'm thrilled", 'happy'], ['not impressed', 'contempt'], ['not not happy', 'happy'],
  ])('%s -> %s', (text, emotion) => {
    expect(dom(text)).toBe(emotion);
  });

  it('negation does not cross a clause boundary', () => {
    expect(dom("I'm not tired, but I am scared")).toBe('fearful');
  });
});

describe('blends', () => {
  it('"happily surprised" is surprised with some happy', () => {
    const w = one('happily surprised').weights;
    expect(w.surprised!).toBeGreaterThan(w.happy!);
    expect(w.happy!).toBeGreaterThan(0.2);
  });

  it('"angry and disgusted" is about half each', () => {
    const w = one('angry and disgusted').weights;
    expect(w.angry!).toBeCloseTo(0.5, 1);
    expect(w.disgusted!).toBeCloseTo(0.5, 1);
  });

  it('"bittersweet" is happy and sad', () => {
    const w = one('bittersweet').weights;
    expect(w.happy!).toBeGreaterThan(0.3);
    expect(w.sad!).toBeGreaterThan(0.3);
  });
});

describe('sequences', () => {
  it('"happy, then sad": default 2 s then hold', () => {
    const r = parseTrigger('happy, then sad');
    expect(r.timeline.map((s) => [dominantEmotion(s.weights), s.start, s.duration])).toEqual([
      ['happy', 0, 2],
      ['sad', 2, null],
    ]);
  });

  it('"surprised for 2 seconds then laugh"', () => {
    const r = parseTrigger('surprised for 2 seconds then laugh');
    expect(r.timeline.map((s) => [dominantEmotion(s.weights), s.start, s.duration, s.words])).toEqual([
      ['surprised', 0, 2, ['surprised']],
      ['happy', 2, null, ['laugh']],
    ]);
  });

  it('"happy 1.5s" keeps its explicit duration', () => {
    expect(one('happy 1.5s').duration).toBe(1.5);
  });

  it('defaultDuration applies to all but the last segment', () => {
    const r = parseTrigger('happy then sad then angry', { defaultDuration: 3 });
    expect(r.timeline.map((s) => [s.start, s.duration])).toEqual([[0, 3], [3, 3], [6, null]]);
    expect(parseTrigger('happy then sad', { defaultDuration: Number.NaN }).timeline[0]!.duration).toBe(2);
    expect(parseTrigger('happy then sad', { defaultDuration: 1e9 }).timeline[0]!.duration).toBe(60);
  });

  it('reads durations in many forms', () => {
    const durations = (t: string): (number | null)[] => parseTrigger(t).timeline.map((s) => s.duration);
    expect(durations('happy 1s sad 2s')).toEqual([1, 2]);
    expect(durations('happy 500ms then sad')).toEqual([0.5, null]);
    expect(durations('happy for 500 ms then sad')).toEqual([0.5, null]);
    expect(durations('happy for 3 then sad')).toEqual([3, null]);
    expect(durations('wait a second, are you serious?')).toEqual([null]);
    expect(durations('smile for half a second then frown')).toEqual([0.5, null]);
    expect(durations('happy for two seconds then sad')).toEqual([2, null]);
    expect(durations('happy for a couple of seconds then sad')).toEqual([2, null]);
    expect(durations('angry for a moment, then calm')).toEqual([1, null]);
    expect(durations('scared -> relieved')).toEqual([2, null]);
    expect(durations('happy, sad, angry')).toEqual([2, 2, null]);
  });

  it('clamps absurd durations with a message', () => {
    const big = parseTrigger('happy 1e308s');
    expect(big.timeline[0]!.duration).toBe(60);
    expect(big.messages.join(' ')).toMatch(/60 s/);
    const neg = parseTrigger('happy -5s');
    expect(neg.timeline[0]!.duration).toBeNull();
    expect(neg.messages.join(' ')).toMatch(/negative/);
    expect(parseTrigger('happy 0s').timeline[0]!.duration).toBe(0.1);
    expect(parseTrigger('happy 99999 minutes then sad').timeline[0]!.duration).toBe(60);
  });

  it('a list of the same emotion is one segment', () => {
    expect(parseTrigger('Whatever, who cares').timeline.length).toBe(1);
    expect(parseTrigger('Ugh, this smells terrible.').timeline.length).toBe(1);
  });
});

describe('sentences', () => {
  it.each([
    ['I just won the lottery!', 'happy'], ['My dog died yesterday.', 'sad'], ['How dare you!', 'angry'],
    ['Ugh, this smells terrible.', 'disgusted'],
  ])('%s -> %s', (text, emotion) => {
    expect(dom(text)).toBe(emotion);
  });

  it('lists the words that caused the target', () => {
    expect(one('I just won the lottery!').words).toEqual(['won', 'lottery']);
    expect(one('How dare you!').words).toEqual(['How', 'dare', 'you']);
  });
});

describe('unreadable and refused input', () => {
  it('suggests a spelling and stays neutral', () => {
    const r = parseTrigger('hapy');
    expect(r.ok).toBe(false);
    expect(r.timeline).toEqual([{ weights: {}, intensity: 0, start: 0, duration: null, words: [] }]);
    expect(r.messages).toContain("'hapy': did you mean 'happy'?");
  });

  it('suggests within a short trigger that is otherwise understood', () => {
    const r = parseTrigger('hapy, then sad');
    expect(r.ok).toBe(true);
    expect(r.messages).toContain("'hapy': did you mean 'happy'?");
    expect(parseTrigger('suprised').messages[0]).toMatch(/^'suprised': did you mean 'surprised'/);
    expect(parseTrigger('disgsted').messages[0]).toMatch(/^'disgsted': did you mean 'disgusted'/);
    expect(parseTrigger('angy').messages[0]).toMatch(/^'angy': did you mean 'angry'/);
  });

  it('reads "?!" as a little surprise', () => {
    expect(dom('!!!???')).toBe('surprised');
  });

  it('does not "correct" ordinary words inside an understood sentence', () => {
    expect(parseTrigger('My flight got cancelled and I am so angry').messages).toEqual([]);
  });

  it.each([
    ['', /Empty/], ['   \n\t ', /Empty/], ['x'.repeat(2001), /limit is 2000/],
    ['\u0000\u0001\u0002binary\u0003', /binary/], ['\u0001\u0002\u0003\u0004\u0005\u0006happy', /binary/],
    ['asdfgh qwerty', /No emotion/], ['12345', /No emotion/], ['... ; #@%', /No emotion/],
  ])('refuses %j cleanly', (text, msg) => {
    const r = parseTrigger(text);
    expect(r.ok).toBe(false);
    expect(r.timeline).toEqual([{ weights: {}, intensity: 0, start: 0, duration: null, words: [] }]);
    expect(r.messages.join(' ')).toMatch(msg);
  });

  it('survives non-string input from untyped callers', () => {
    for (const bad of [undefined, null, 42, {}, []]) {
      const r = parseTrigger(bad as unknown as string);
      expect(r.ok).toBe(false);
      expect(r.timeline.length).toBe(1);
    }
  });

  it('accepts exactly 2000 characters', () => {
    const text = `happy ${'x'.repeat(1994)}`;
    expect(text.length).toBe(2000);
    expect(parseTrigger(text).ok).toBe(true);
  });
});

describe('formatTimeline and runParseCommand', () => {
  it('prints a table with emotions, intensity, start, duration and words', () => {
    const out = formatTimeline(parseTrigger('very happy for 2s then slightly sad'));
    expect(out).toContain('start');
    expect(out).toContain('happy 1.00');
    expect(out).toContain('sad 1.00');
    expect(out).toContain('2.00s');
    expect(out).toContain('hold');
    expect(out).toContain('very happy');
    expect(out).toContain('0.35');
  });

  it('prints messages and the neutral fallback', () => {
    const out = formatTimeline(parseTrigger('hapy'));
    expect(out).toContain('neutral');
    expect(out).toContain("did you mean 'happy'");
  });

  it('JSON mode round-trips and exit codes follow ok', () => {
    const ok = runParseCommand('happy then sad', true);
    expect(ok.exitCode).toBe(0);
    expect(JSON.parse(ok.output)).toEqual(parseTrigger('happy then sad'));
    const bad = runParseCommand('qwertyuiop', false);
    expect(bad.exitCode).toBe(1);
    expect(bad.output).toContain('neutral');
  });
});
