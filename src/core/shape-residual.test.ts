import { describe, expect, it } from 'vitest';
import { codeFromEmotions, AU_COUNT, createExpressionRig } from './rig.ts';
import { createAmountReader, createShapeResidual } from './shape-residual.ts';
import { canonicalFace, LANDMARK_COUNT } from './topology.ts';

const N3 = LANDMARK_COUNT * 3;
const emotions = ['happy', 'sad', 'surprised', 'angry'] as const;
const apexCodes = emotions.map((e) => codeFromEmotions({ [e]: 1 }, 1));
const fields = Float64Array.from({ length: emotions.length * N3 }, (_, t) => 0.01 * Math.sin(t * 0.37 + Math.floor(t / N3)));

describe('reading emotion amounts from a code', () => {
  it('recovers a non-negative mix of the per-emotion codes', () => {
    const read = createAmountReader(apexCodes, 1e-6);
    const code = new Float64Array(AU_COUNT);
    const mix = [0.6, 0, 0.4, 0];
    mix.forEach((w, k) => { for (let a = 0; a < AU_COUNT; a++) code[a] = code[a]! + w * apexCodes[k]![a]!; });
    const a = read(code);
    mix.forEach((w, k) => expect(a[k]!).toBeCloseTo(w, 3));
    // Never negative, even for a code pointing away from every emotion.
    for (const v of read(code.map((x) => -x))) expect(v).toBeGreaterThanOrEqual(0);
  });

  it('never reads an emotion without a code', () => {
    const read = createAmountReader([apexCodes[0]!, null]);
    expect(read(apexCodes[0]!)[1]).toBe(0);
  });
});

describe('the learned shape residual', () => {
  const shape = createShapeResidual({ fields, apexCodes });

  it('is zero at code 0 and the emotion\'s field at its apex, and -1 undoes it', () => {
    const face = canonicalFace();
    expect(Array.from(shape.addTo(Float64Array.from(face), new Float64Array(AU_COUNT)))).toEqual(Array.from(face));
    for (let k = 0; k < emotions.length; k++) {
      const out = shape.addTo(new Float64Array(N3), apexCodes[k]!);
      let err = 0, size = 0;
      for (let t = 0; t < N3; t++) { err += (out[t]! - fields[k * N3 + t]!) ** 2; size += fields[k * N3 + t]! ** 2; }
      expect(Math.sqrt(err / size)).toBeLessThan(0.01);
    }
    const moved = shape.addTo(Float64Array.from(face), apexCodes[2]!);
    shape.addTo(moved, apexCodes[2]!, -1);
    for (let t = 0; t < N3; t++) expect(moved[t]!).toBeCloseTo(face[t]!, 12);
  });

  it('grows with the code, up to the amount real faces reach', () => {
    const at = (s: number) => shape.amounts(apexCodes[0]!.map((v) => v * s))[0]!;
    expect(at(0.5)).toBeCloseTo(0.5, 2);
    expect(at(3)).toBeCloseTo(2, 12);
    expect(createShapeResidual({ fields, apexCodes, maxAmount: 1.2 }).amounts(apexCodes[0]!.map((v) => v * 3))[0]).toBeCloseTo(1.2, 12);
  });

  it('leaves out an emotion without a field (its amount would only take from the others)', () => {
    const some = Float64Array.from(fields);
    some.fill(0, N3, 2 * N3); // sad: no field
    const s = createShapeResidual({ fields: some, apexCodes });
    expect(s.amounts(apexCodes[1]!)[1]).toBe(0);
  });

  it('is added by a rig made with it, and by no other rig', () => {
    const face = canonicalFace();
    const plain = createExpressionRig(), withShape = createExpressionRig({ residual: shape });
    const code = apexCodes[2]!;
    const a = plain.apply(face, code, 0, 0), b = withShape.apply(face, code, 0, 0);
    const expected = shape.addTo(new Float64Array(N3), code);
    // Exactly the shape's displacement on top of the fields, but where the lip and lid contact passes stop a point.
    let exact = 0;
    for (let t = 0; t < N3; t++) if (Math.abs(b[t]! - a[t]! - expected[t]!) < 1e-12) exact++;
    expect(exact / N3).toBeGreaterThan(0.95);
    expect(Math.max(...expected.map(Math.abs))).toBeGreaterThan(0.005);
    expect(Array.from(withShape.displace(face, code))).toEqual(Array.from(plain.displace(face, code)));
  });

  it('refuses fields or codes of the wrong size', () => {
    expect(() => createShapeResidual({ fields: fields.subarray(1), apexCodes })).toThrow(/shape residual fields need 4 x 1404/);
    expect(() => createShapeResidual({ fields, apexCodes: [...apexCodes.slice(1), new Float64Array(3)] })).toThrow(/apex code needs 19/);
  });
});
