import { describe, expect, it } from 'vitest';
import { learnRemovalFloor, removalLoss, removalTargets, type RemovalSamples } from './removal-floor.ts';
import { AU_COUNT } from './rig.ts';
import { createRng, gaussian } from './rng.ts';

/** Rows of codes (unit 0 and 1 set, the rest 0), a person and a neutral flag per face. */
function samples(rows: { person: number; neutral: boolean; u0: number; u1?: number }[]): RemovalSamples {
  const codes = new Float64Array(rows.length * AU_COUNT);
  rows.forEach((r, i) => { codes[i * AU_COUNT] = r.u0; codes[i * AU_COUNT + 1] = r.u1 ?? 0; });
  return { codes, person: rows.map((r) => r.person), neutral: (i) => rows[i]!.neutral };
}

/**
 * People whose resting code differs (identity, spread 0.5 in units 0 and 1) with a little noise per
 * photo (0.05): three neutral photos each, and one expressive photo that adds `shows` to unit 0 and
 * nothing to unit 1.
 */
function population(people: number, seed: number, shows = 2) {
  const rng = createRng(seed);
  const rows: { person: number; neutral: boolean; u0: number; u1: number }[] = [];
  for (let p = 0; p < people; p++) {
    const rest0 = 1 + 0.5 * gaussian(rng), rest1 = 1 + 0.5 * gaussian(rng);
    const photo = (neutral: boolean) => ({ person: p, neutral, u0: rest0 + (neutral ? 0 : shows) + 0.05 * gaussian(rng), u1: rest1 + 0.05 * gaussian(rng) });
    for (let k = 0; k < 3; k++) rows.push(photo(true));
    rows.push(photo(false));
  }
  return { rows, s: samples(rows) };
}

describe('removalTargets', () => {
  it('reads an expressive photo against the mean of the same person\'s other neutral photos, and gives neutral photos 0', () => {
    const s = samples([
      { person: 0, neutral: true, u0: 1 },
      { person: 0, neutral: true, u0: 3 },
      { person: 0, neutral: false, u0: 5, u1: 1 },
      { person: 1, neutral: false, u0: 9 }, // no neutral photo of this person: not used
      { person: -1, neutral: true, u0: 1 }, // unknown person: not used
      { person: 2, neutral: true, u0: 4 }, // the only photo of its person: no other neutral, not used
    ]);
    const t = removalTargets(s, [0, 1, 2, 3, 4, 5]);
    expect(t.faces).toEqual([0, 1, 2]);
    expect(t.target[0]).toBe(0);
    expect(t.target[AU_COUNT]).toBe(0);
    expect(t.target[2 * AU_COUNT]).toBe(3); // 5 - mean(1, 3)
    expect(t.target[2 * AU_COUNT + 1]).toBe(1); // 1 - 0
    expect(t.target[2 * AU_COUNT + 2]).toBe(0); // below the person's rest: nothing shown
  });

  it('uses only the faces of idx', () => {
    const s = samples([{ person: 0, neutral: true, u0: 1 }, { person: 0, neutral: true, u0: 3 }, { person: 0, neutral: false, u0: 5 }]);
    const t = removalTargets(s, [1, 2]);
    expect(t.faces).toEqual([2]);
    expect(t.target[0]).toBe(2);
  });
});

describe('learnRemovalFloor', () => {
  it('learns a floor that leaves neutral photos their identity and still takes out what expressive ones show', () => {
    const fit = population(300, 1), held = population(300, 2);
    const all = (n: number) => Array.from({ length: n }, (_, i) => i);
    const mean = new Float64Array(AU_COUNT);
    const neutralRows = fit.rows.filter((r) => r.neutral);
    mean[0] = neutralRows.reduce((x, r) => x + r.u0, 0) / neutralRows.length;
    mean[1] = neutralRows.reduce((x, r) => x + r.u1, 0) / neutralRows.length;
    const learned = learnRemovalFloor(fit.s, all(fit.rows.length), [], mean);
    expect(learned.faces).toBe(1200);
    expect(learned.neutralFaces).toBe(900);
    // Unit 1 only ever shows identity: its floor rises above nearly every resting code (mean + 2 spreads).
    expect(learned.floor[1]!).toBeGreaterThan(mean[1]! + 1);
    // Unit 0 shows the expression: its floor stays between the mean neutral code and one spread above it.
    expect(learned.floor[0]!).toBeGreaterThan(mean[0]!);
    expect(learned.floor[0]!).toBeLessThan(mean[0]! + 0.5);
    // On held-out people, nearer the targets than the mean neutral code as the floor, overall and on neutral photos.
    const t = removalTargets(held.s, all(held.rows.length));
    for (const a of [0, 1]) {
      expect(removalLoss(held.s, t, a, learned.floor[a]!)).toBeLessThan(removalLoss(held.s, t, a, mean[a]!));
      expect(removalLoss(held.s, t, a, learned.floor[a]!, 'neutral')).toBeLessThan(removalLoss(held.s, t, a, mean[a]!, 'neutral'));
    }
    // Expressive held-out photos still lose most of what they show in unit 0 (2).
    const removed = held.rows.filter((r) => !r.neutral).map((r) => Math.max(0, r.u0 - learned.floor[0]!));
    expect(removed.reduce((x, y) => x + y, 0) / removed.length).toBeGreaterThan(1.5);
  });

  it('gives the units it keeps the fallback, and is deterministic', () => {
    const { rows, s } = population(50, 3);
    const idx = rows.map((_, i) => i);
    const fallback = Float64Array.from({ length: AU_COUNT }, (_, a) => a / 10);
    const a = learnRemovalFloor(s, idx, [0, 5], fallback);
    expect(a.floor[0]).toBe(0);
    expect(a.floor[5]).toBeCloseTo(0.5, 12);
    expect(Array.from(learnRemovalFloor(s, idx, [0, 5], fallback).floor)).toEqual(Array.from(a.floor));
  });

  it('refuses faces that are all neutral, or with no other neutral photo of the same person', () => {
    const allNeutral = samples([{ person: 0, neutral: true, u0: 1 }, { person: 0, neutral: true, u0: 2 }]);
    expect(() => learnRemovalFloor(allNeutral, [0, 1], [], new Float64Array(AU_COUNT))).toThrow(/neutral and expressive/);
    const lonely = samples([{ person: 0, neutral: false, u0: 1 }, { person: 1, neutral: true, u0: 2 }]);
    expect(() => learnRemovalFloor(lonely, [0, 1], [], new Float64Array(AU_COUNT))).toThrow(/neutral and expressive/);
  });
});
