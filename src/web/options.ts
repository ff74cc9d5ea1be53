/**
 * Page options from the query string (for demos and tests): ?seed=7&idle=0&blinks=0.
 */
export interface PageOptions {
  seed: number;
  /** Idle head motion 0..1. */
  idle: number;
  /** Blinks per minute, 0 for none. */
  blinksPerMinute: number;
}

function num(params: URLSearchParams, name: string, def: number, lo: number, hi: number): number {
  const raw = params.get(name);
  if (raw === null || raw.trim() === '') return def;
  const v = Number(raw);
  return Number.isFinite(v) ? Math.min(Math.max(v, lo), hi) : def;
}

export function pageOptions(search: string): PageOptions {
  const p = new URLSearchParams(search);
  return {
    seed: Math.round(num(p, 'seed', 1, 0, 2 ** 31 - 1)),
    idle: num(p, 'idle', 0.5, 0, 1),
    blinksPerMinute: num(p, 'blinks', 17, 0, 60),
  };
}
