import { describe, expect, it } from 'vitest';
import { damerauLevenshtein, maxDistanceFor, suggest, suggestionMessage } from './suggest.ts';

describe('damerauLevenshtein', () => {
  it.each([
    ['', '', 0], ['', 'abc', 3], ['abc', '', 3], ['happy', 'happy', 0], ['hapy', 'happy', 1], ['hpapy', 'happy', 1],
    ['sda', 'sad', 1], ['kitten', 'sitting', 3], ['ca', 'abc', 2], ['abcdef', 'badcfe', 3], ['angyr', 'angry', 1],
    ['😀x', 'x😀', 1], ['suprised', 'surprised', 1],
  ])('%j vs %j = %i', (a, b, d) => {
    expect(damerauLevenshtein(a, b)).toBe(d);
    expect(damerauLevenshtein(b, a)).toBe(d);
  });
});

describe('suggest', () => {
  it.each([
    ['hapy', 'happy'], ['hpapy', 'happy'], ['angyr', 'angry'], ['suprised', 'surprised'], ['discusted', 'disgusted'],
    ['terified', 'terrified'], ['scarred', 'scared'], ['furios', 'furious'], ['gloomey', 'gloomy'], ['smgu', 'smug'],
    ['vrey', 'very'], ['sda', 'sad'],
  ])('%s -> %s first', (typo, word) => {
    expect(suggest(typo)[0]).toBe(word);
  });

  it('suggests nothing for short or far-off words', () => {
    expect(suggest('ab')).toEqual([]);
    expect(suggest('xylophone')).toEqual([]);
    expect(suggest('x'.repeat(100))).toEqual([]);
  });

  it('allows more edits for longer words', () => {
    expect(maxDistanceFor(2)).toBe(0);
    expect(maxDistanceFor(4)).toBe(1);
    expect(maxDistanceFor(9)).toBe(2);
  });

  it('formats one or several suggestions', () => {
    expect(suggestionMessage('hapy', ['happy'])).toBe("'hapy': did you mean 'happy'?");
    expect(suggestionMessage('sda', ['sad', 'mad', 'spa'])).toBe("'sda': did you mean 'sad', 'mad' or 'spa'?");
  });
});
