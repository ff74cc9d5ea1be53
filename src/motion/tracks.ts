/**
 * Keyframe tracks: animation as data. A track holds keys (time in seconds, value) and the
 * easing of the segment that ends at each key; evaluate(t) reads it at any time, with no
 * hidden clock. Tracks are edited only by replacing their future (retarget), which keeps
 * the value continuous at the moment of the change.
 */
export type Ease = 'linear' | 'smooth' | 'onset' | 'offset' | 'hold';

export interface Key {
  t: number;
  v: number;
  /** Easing of the segment from the previous key to this one. */
  ease: Ease;
}

export function easeValue(ease: Ease, x: number): number {
  const u = Math.min(Math.max(x, 0), 1);
  switch (ease) {
    case 'linear': return u;
    case 'smooth': return u * u * (3 - 2 * u);
    // Onset: a quick start that settles softly into the apex (muscle contraction).
    case 'onset': { const a = 1 - u; return 1 - a * a * a * (1 + 0.5 * u); }
    // Offset: a slow release that accelerates, then eases into rest.
    case 'offset': return u * u * u * (u * (u * 6 - 15) + 10);
    case 'hold': return u >= 1 ? 1 : 0;
  }
}

export class ScalarTrack {
  private keys: Key[];

  constructor(initial = 0) {
    this.keys = [{ t: -Infinity, v: initial, ease: 'hold' }];
  }

  /** The keys, oldest first (read-only view). */
  get keyframes(): readonly Key[] {
    return this.keys;
  }

  evaluate(t: number): number {
    const k = this.keys;
    // Binary search for the first key after t.
    let lo = 0, hi = k.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (k[mid]!.t <= t) lo = mid + 1; else hi = mid;
    }
    if (lo >= k.length) return k[k.length - 1]!.v;
    if (lo === 0) return k[0]!.v;
    const a = k[lo - 1]!, b = k[lo]!;
    const span = b.t - a.t;
    if (!(span > 0) || !Number.isFinite(span)) return a.v;
    return a.v + (b.v - a.v) * easeValue(b.ease, (t - a.t) / span);
  }

  /** Drops every key after t and pins the current value at t, ready for new keys. */
  cutAt(t: number): void {
    const v = this.evaluate(t);
    this.keys = this.keys.filter((key) => key.t < t);
    this.keys.push({ t, v, ease: 'hold' });
  }

  /** Appends a key; keys must come in time order after the last one. */
  push(key: Key): void {
    const last = this.keys[this.keys.length - 1]!;
    if (!(key.t >= last.t)) throw new Error(`keys must be in time order (${key.t} after ${last.t})`);
    this.keys.push(key);
  }

  /** Forgets keys that end before t (keeps the one in force at t), so long sessions stay small. */
  prune(t: number): void {
    let i = 0;
    while (i + 1 < this.keys.length && this.keys[i + 1]!.t <= t) i++;
    if (i > 0) this.keys = this.keys.slice(i);
  }
}
