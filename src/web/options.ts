/**
 * Page options from the query string (for demos and tests): ?seed=7&idle=0&blinks=0&expressions=rig&motion=ease&detail=mean&mouth=procedural&eyes=warp.
 */
export interface PageOptions {
  seed: number;
  /** Idle head motion 0..1. */
  idle: number;
  /** Blinks per minute, 0 for none. */
  blinksPerMinute: number | undefined;
  /** The learned models ("gan", "gru") or the hand-written baselines ("rig", "ease"). */
  expressions: 'gan' | 'rig';
  motion: 'gru' | 'ease';
  /** Expression detail on photos: the model's recommendation ("auto"), generated ("gan"), the per-emotion mean ("mean") or none. */
  detail: 'auto' | 'gan' | 'mean' | 'none';
  /** The mouth interior on photos: learned from real open mouths (default) or procedural (?mouth=procedural). */
  mouth: 'learned' | 'procedural';
  /** The eyes on photos: rigid eyeballs under moving lids (default) or stretched with the face (?eyes=warp). */
  eyes: 'rigid' | 'warp';
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
    // Unset: the motion runtime's own rate (the learned one measured it from video).
    blinksPerMinute: p.get('blinks') === null ? undefined : num(p, 'blinks', 17, 0, 60),
    expressions: p.get('expressions') === 'rig' ? 'rig' : 'gan',
    motion: p.get('motion') === 'ease' ? 'ease' : 'gru',
    detail: ((d) => (d === 'gan' || d === 'mean' || d === 'none' ? d : 'auto'))(p.get('detail')),
    mouth: p.get('mouth') === 'procedural' ? 'procedural' : 'learned',
    eyes: p.get('eyes') === 'warp' ? 'warp' : 'rigid',
  };
}
