/**
 * Synthetic faces for tests and development: the rig's fields at codes drawn per emotion, on
 * faces that differ by identity (smooth random shape fields) and by noise. Nothing here is real
 * data; it exists so the training code can be tested without ../shared/data or datasets/.
 */
import { EMOTIONS, type Emotion } from '../core/emotions.ts';
import { AU_COUNT, codeFromEmotions, createExpressionRig } from '../core/rig.ts';
import { createRng, gaussian, subSeed } from '../core/rng.ts';
import { CANONICAL_POSITIONS, LANDMARK_COUNT } from '../core/topology.ts';

const N3 = LANDMARK_COUNT * 3;

export interface SyntheticFaces {
  n: number;
  /** n x 468 x 3 aligned meshes. */
  mesh: Float32Array;
  /** Index into EMOTIONS. */
  label: Uint8Array;
  /** 0: train, 1: val. */
  split: Uint8Array;
  /** The code each face was made with. */
  code: Float32Array;
  /** The identity fields used (count x N3, not normalised). */
  identityFields: Float64Array;
  identityCount: number;
  /** Person index per face. */
  person: Uint32Array;
}

/** Smooth random displacement fields on the canonical face (sums of a few Gaussian bumps). */
function identityFields(count: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const out = new Float64Array(count * N3);
  const P = CANONICAL_POSITIONS;
  for (let k = 0; k < count; k++) {
    for (let b = 0; b < 3; b++) {
      const c = Math.floor(rng() * LANDMARK_COUNT);
      const cx = P[c * 3]!, cy = P[c * 3 + 1]!;
      const sigma = 2 + rng() * 3;
      const d = [gaussian(rng) * 0.1, gaussian(rng) * 0.1, gaussian(rng) * 0.06];
      for (let i = 0; i < LANDMARK_COUNT; i++) {
        const w = Math.exp(-((P[i * 3]! - cx) ** 2 + (P[i * 3 + 1]! - cy) ** 2) / (2 * sigma * sigma));
        // Mirror-symmetric, as faces roughly are.
        const wm = Math.exp(-((P[i * 3]! + cx) ** 2 + (P[i * 3 + 1]! - cy) ** 2) / (2 * sigma * sigma));
        out[k * N3 + i * 3] = out[k * N3 + i * 3]! + w * d[0]! - wm * d[0]!;
        out[k * N3 + i * 3 + 1] = out[k * N3 + i * 3 + 1]! + (w + wm) * d[1]!;
        out[k * N3 + i * 3 + 2] = out[k * N3 + i * 3 + 2]! + (w + wm) * d[2]!;
      }
    }
  }
  return out;
}

export interface SyntheticOptions {
  /** Faces per emotion (neutral and every other label in `emotions`). */
  perEmotion: number;
  emotions?: readonly Emotion[];
  identityCount?: number;
  /** Per-coordinate noise, cm. */
  noise?: number;
  /** Share of faces in the val split. */
  valShare?: number;
  seed?: number;
}

/**
 * Faces per emotion: a random person (identity coefficients ~ N(0, 1)), the emotion's rig
 * prototype at a random intensity (0.3..1) with per-unit jitter (so emotions vary), and noise.
 */
export function syntheticFaces(o: SyntheticOptions): SyntheticFaces {
  const seed = o.seed ?? 1;
  const emotions = o.emotions ?? EMOTIONS.filter((e) => e !== 'contempt');
  const idCount = o.identityCount ?? 6;
  const fields = identityFields(idCount, subSeed(seed, 'identity'));
  const rig = createExpressionRig();
  const rng = createRng(subSeed(seed, 'faces'));
  const n = o.perEmotion * emotions.length;
  const mesh = new Float32Array(n * N3), code = new Float32Array(n * AU_COUNT);
  const label = new Uint8Array(n), split = new Uint8Array(n), person = new Uint32Array(n);
  const noise = o.noise ?? 0.02;
  const face = new Float64Array(N3);
  let i = 0;
  for (const e of emotions) {
    for (let k = 0; k < o.perEmotion; k++, i++) {
      const c = e === 'neutral' ? new Float64Array(AU_COUNT) : codeFromEmotions({ [e]: 1 }, 0.3 + 0.7 * rng());
      for (let a = 0; a < AU_COUNT; a++) {
        const jitter = c[a]! > 0 ? c[a]! * 0.25 * gaussian(rng) : 0;
        c[a] = Math.max(0, c[a]! + jitter + (e === 'neutral' ? 0 : Math.abs(gaussian(rng)) * 0.03));
      }
      for (let t = 0; t < N3; t++) face[t] = CANONICAL_POSITIONS[t]!;
      for (let j = 0; j < idCount; j++) {
        const a = gaussian(rng);
        for (let t = 0; t < N3; t++) face[t] = face[t]! + a * fields[j * N3 + t]!;
      }
      const moved = rig.displace(face, c);
      for (let t = 0; t < N3; t++) mesh[i * N3 + t] = moved[t]! + gaussian(rng) * noise;
      code.set(c, i * AU_COUNT);
      label[i] = EMOTIONS.indexOf(e);
      split[i] = rng() < (o.valShare ?? 0.2) ? 1 : 0;
      person[i] = i;
    }
  }
  return { n, mesh, label, split, code, identityFields: fields, identityCount: idCount, person };
}

