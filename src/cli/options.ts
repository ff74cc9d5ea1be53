/** Numeric command-line options, checked the same way by every emotebot command. */
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
