/** Numeric and list command-line options, checked the same way by every emotebot command. */
import { EmoteBotError } from '../core/errors.ts';

/**
 * The value of `--name` (raw as parsed), `def` when absent; a clear 'bad-argument' error when it
 * is not a number, not whole where `integer` asks, or outside [lo, hi].
 */
export function numberOption(name: string, raw: string | undefined, def: number, lo: number, hi: number, integer = false): number {
  if (raw === undefined) return def;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new EmoteBotError('bad-argument', `--${name} must be a number, got "${raw}"`);
  if (integer && !Number.isInteger(v)) throw new EmoteBotError('bad-argument', `--${name} must be a whole number, got "${raw}"`);
  if (v < lo || v > hi) throw new EmoteBotError('bad-argument', `--${name} must be between ${lo} and ${hi}, got ${raw}`);
  return v;
}

/**
 * A comma-separated list of names from `allowed` (or "all": every one of them) given to
 * `--option`; absent: an empty list. An empty value or a name not allowed is a 'bad-argument'.
 */
export function parseEmotionList(raw: string | undefined, option: string, allowed: readonly string[]): { list: string[]; all: boolean } {
  if (raw === undefined) return { list: [], all: false };
  const all = raw.trim() === 'all';
  const list = all ? [...allowed] : raw.split(',').map((x) => x.trim()).filter(Boolean);
  if (list.length === 0) throw new EmoteBotError('bad-argument', `--${option} needs emotions (comma-separated, e.g. sad,angry) or "all"`);
  for (const e of list) if (!allowed.includes(e)) throw new EmoteBotError('bad-argument', `--${option}: "${e}" is not one of ${allowed.join(', ')} (or "all")`);
  return { list, all };
}

/**
 * A comma-separated list of numbers given to `--option`, strictly increasing, each within
 * [lo, hi], at least `min` of them; `def` when absent. Anything else is a 'bad-argument'.
 */
export function numberListOption(option: string, raw: string | undefined, def: readonly number[], lo: number, hi: number, min: number): number[] {
  if (raw === undefined) return [...def];
  const parts = raw.split(',').map((x) => x.trim());
  const list = parts.map(Number);
  if (parts.some((x) => x === '') || list.some((v) => !Number.isFinite(v))) throw new EmoteBotError('bad-argument', `--${option} must be comma-separated numbers, got "${raw}"`);
  if (list.length < min) throw new EmoteBotError('bad-argument', `--${option} needs at least ${min} numbers, got "${raw}"`);
  for (const v of list) if (v < lo || v > hi) throw new EmoteBotError('bad-argument', `--${option}: every number must be between ${lo} and ${hi}, got ${v}`);
  for (let k = 1; k < list.length; k++) if (!(list[k]! > list[k - 1]!)) throw new EmoteBotError('bad-argument', `--${option} must increase strictly, got "${raw}"`);
  return list;
}
