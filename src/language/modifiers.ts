/**
 * Function words of the trigger language: intensifiers, negators, sequence connectors,
 * scope breakers, duration units and number words. Hand-built by EmoteBot.
 *
 * Intensifier values multiply a word's own strength (0.8 for a plain emotion word), chosen so
 * that "slightly happy" ≈ 0.35, "a bit happy" ≈ 0.45, "happy" = 0.8, "very happy" = 1.0 and
 * "extremely happy" is capped at 1.0. Pure data: no I/O.
 */

/** Plain-word intensity, the reference the multipliers below are relative to. */
export const PLAIN_INTENSITY = 0.8;

const rel = (level: number): number => level / PLAIN_INTENSITY;

/** "not very X", "not that X", "not too X": a hedge, not a reversal. */
export const NOT_VERY = rel(0.35);

/** Single-word intensifiers and downtoners. */
export const INTENSIFIERS: ReadonlyMap<string, number> = new Map<string, number>([
  ['slightly', rel(0.35)], ['faintly', rel(0.3)], ['mildly', rel(0.38)], ['vaguely', rel(0.35)],
  ['barely', rel(0.25)], ['hardly', rel(0.25)], ['scarcely', rel(0.25)],
  ['somewhat', rel(0.5)], ['kinda', rel(0.5)], ['sorta', rel(0.5)], ['partly', rel(0.5)], ['moderately', rel(0.55)],
  ['fairly', rel(0.65)], ['rather', rel(0.7)], ['reasonably', rel(0.65)], ['less', rel(0.5)],
  ['quite', rel(0.85)], ['pretty', rel(0.85)], ['more', rel(0.9)],
  ['really', rel(0.95)], ['so', rel(0.95)], ['too', rel(0.95)], ['truly', rel(0.95)], ['genuinely', rel(0.9)],
  ['seriously', rel(0.95)], ['especially', rel(0.95)], ['particularly', rel(0.95)], ['real', rel(0.95)],
  ['very', rel(1.0)], ['most', rel(1.0)], ['deeply', rel(1.0)], ['highly', rel(1.0)], ['super', rel(1.0)],
  ['terribly', rel(1.05)], ['awfully', rel(1.05)], ['totally', rel(1.05)], ['hella', rel(1.05)], ['mega', rel(1.05)],
  ['crazy', rel(1.05)], ['freaking', rel(1.05)], ['fucking', rel(1.1)], ['bloody', rel(1.05)],
  ['incredibly', rel(1.1)], ['completely', rel(1.1)], ['unbelievably', rel(1.1)], ['remarkably', rel(1.0)],
  ['extremely', rel(1.1)], ['absolutely', rel(1.1)], ['utterly', rel(1.1)], ['insanely', rel(1.1)],
  ['exceedingly', rel(1.1)], ['immensely', rel(1.1)], ['intensely', rel(1.1)], ['ultra', rel(1.1)],
  ['overwhelmingly', rel(1.15)], ['beyond', rel(1.1)],
]);

/** Multi-word intensifiers, matched on whole tokens. */
export const INTENSIFIER_PHRASES: ReadonlyMap<string, number> = new Map<string, number>([
  ['a bit', rel(0.45)], ['a little bit', rel(0.42)], ['a little', rel(0.45)], ['a tad', rel(0.42)],
  ['little bit', rel(0.42)], ['a wee bit', rel(0.42)], ['bit', rel(0.45)],
  ['kind of', rel(0.5)], ['sort of', rel(0.5)], ['a little more', rel(0.6)], ['a lot', rel(1.0)],
  ['so very', rel(1.05)], ['really really', rel(1.05)], ['very very', rel(1.05)],
  ['not very', NOT_VERY], ['not that', NOT_VERY], ['not too', NOT_VERY], ['not so', NOT_VERY],
  ['not particularly', NOT_VERY], ['not overly', NOT_VERY], ['not terribly', NOT_VERY],
  ['not all that', NOT_VERY],
]);

/** Amplifiers that, right after a negator ("isn't very", "wasn't too"), hedge rather than reverse. */
export const HEDGE_AMPLIFIERS: ReadonlySet<string> = new Set([
  'very', 'too', 'so', 'that', 'overly', 'particularly', 'terribly', 'especially', 'all that', 'that much',
]);

/** Words that reverse the next emotion word within the negation window. */
export const NEGATORS: ReadonlySet<string> = new Set([
  'not', 'no', 'never', 'nor', 'neither', 'without', 'nothing', 'nobody', 'nowhere', 'cannot',
  'cant', 'dont', 'doesnt', 'didnt', 'isnt', 'arent', 'wasnt', 'werent', 'havent', 'hasnt', 'hadnt',
  'couldnt', 'wouldnt', 'shouldnt', 'aint', 'wont', 'neednt', 'mustnt',
]);

/** How many tokens a negator or intensifier reaches forward. */
export const NEGATION_WINDOW = 3;
export const INTENSIFIER_WINDOW = 2;

/** Words (and multi-word phrases) that start the next segment of a sequence. */
export const SEQUENCE_WORDS: ReadonlySet<string> = new Set([
  'then', 'afterwards', 'afterward', 'later', 'finally', 'eventually', 'becomes', 'became', 'becoming',
]);
export const SEQUENCE_PHRASES: readonly string[] = [
  'after that', 'followed by', 'turning into', 'turns into', 'turned into', 'changing to', 'changes to',
  'switching to', 'switch to', 'and now', 'but now', 'and finally',
];
/** Punctuation arrows that sequence. */
export const SEQUENCE_PUNCT: ReadonlySet<string> = new Set(['->', '→', '=>', '⇒', '>>', '➡', '➔']);

/** Words that close a negation or intensifier scope (punctuation also does). */
export const SCOPE_BREAKERS: ReadonlySet<string> = new Set([
  'but', 'though', 'although', 'however', 'and', 'while', 'because', 'since', 'yet', 'or', 'whereas',
]);

/** Duration units in seconds. */
export const DURATION_UNITS: ReadonlyMap<string, number> = new Map<string, number>([
  ['ms', 0.001], ['msec', 0.001], ['msecs', 0.001], ['millisecond', 0.001], ['milliseconds', 0.001],
  ['s', 1], ['sec', 1], ['secs', 1], ['second', 1], ['seconds', 1], ['seconde', 1], ['secondes', 1],
  ['min', 60], ['mins', 60], ['minute', 60], ['minutes', 60],
]);

/** Number words usable before a unit ("two seconds", "a second", "half a second"). */
export const NUMBER_WORDS: ReadonlyMap<string, number> = new Map<string, number>([
  ['a', 1], ['an', 1], ['one', 1], ['two', 2], ['three', 3], ['four', 4], ['five', 5], ['six', 6],
  ['seven', 7], ['eight', 8], ['nine', 9], ['ten', 10], ['eleven', 11], ['twelve', 12], ['fifteen', 15],
  ['twenty', 20], ['thirty', 30], ['half', 0.5], ['couple', 2], ['few', 3], ['several', 4],
]);

/** Fixed duration expressions, in seconds. */
export const DURATION_PHRASES: ReadonlyMap<string, number> = new Map<string, number>([
  ['for a moment', 1], ['for a sec', 1], ['for a bit', 2], ['for a while', 4], ['for a long time', 8],
  ['briefly', 1], ['momentarily', 1], ['for an instant', 0.5], ['for a split second', 0.3],
]);

/** Hard limits on the timeline. */
export const MAX_DURATION = 60;
export const MIN_DURATION = 0.1;
export const DEFAULT_DURATION = 2;
export const MAX_SEGMENTS = 16;
export const MAX_INPUT_CHARS = 2000;
