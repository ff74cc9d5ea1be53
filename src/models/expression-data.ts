/**
 * The faces the expression model learns from and is measured on: aligned meshes with labels
 * from one or more datasets (.ebds), a quality filter, and three parts:
 *
 * - fit: the dataset's train split minus a seeded dev share (what the space and the GAN learn from);
 * - dev: the rest of the train split (what training looks at to keep its best checkpoint);
 * - val: the dataset's val and test splits, never seen by any fitting or choice (the report).
 *
 * Face videos (.ebseq) give clips of one person each, for measuring identity leakage.
 */
import { EMOTIONS, type Emotion } from '../core/emotions.ts';
import { subSeed } from '../core/rng.ts';
import { LANDMARK_COUNT } from '../core/topology.ts';
import { EmoteBotError } from '../core/errors.ts';
import { readDataset, readSequences } from '../data/files.ts';
import type { FaceDataset } from '../data/format.ts';
import { UV_SIZE } from '../render/uv-texture.ts';

/** Texels of one stored face texture. */
export const TEXTURE_TEXELS = UV_SIZE * UV_SIZE;
import type { SyntheticFaces } from './expression-synthetic.ts';

export const N3 = LANDMARK_COUNT * 3;
export const PART_FIT = 0, PART_DEV = 1, PART_VAL = 2;
export const PART_NAMES = ['fit', 'dev', 'val'] as const;

export interface SourceSummary {
  file: string;
  faces: number;
  used: number;
  /** Faces dropped by the quality filter. */
  dropped: number;
  /** Used faces per part and emotion. */
  counts: Record<string, Partial<Record<Emotion, number>>>;
}

export interface FaceSet {
  n: number;
  /** n x 468 x 3 aligned meshes, canonical cm. */
  mesh: Float32Array;
  /** Index into EMOTIONS. */
  emotion: Uint8Array;
  /** PART_FIT, PART_DEV or PART_VAL. */
  part: Uint8Array;
  /** Index into sources. */
  source: Uint8Array;
  /** Person index when the dataset names people (-1: unknown). */
  person: Int32Array;
  sources: SourceSummary[];
  /** Per face: its lighting-normalised UV texture (TEXTURE_TEXELS int8, render/uv-texture.ts), when asked for. */
  texture?: Int8Array;
}

export interface QualityFilter {
  minScore: number;
  maxFitError: number;
  maxYaw: number;
  maxPitch: number;
}

/** Faces turned or tilted far, or aligned badly, carry little expression the fields can read. */
export const DEFAULT_QUALITY: QualityFilter = { minScore: 0.5, maxFitError: 0.7, maxYaw: 30, maxPitch: 25 };

function hashUnit(seed: number, key: string): number {
  return subSeed(seed, key) / 4294967296;
}

/** The quality filter and a known emotion: whether face i of a dataset is used at all. */
export function passesQuality(ds: FaceDataset, i: number, q: QualityFilter = DEFAULT_QUALITY): boolean {
  const [yaw, pitch] = [ds.pose[i * 3]!, ds.pose[i * 3 + 1]!];
  if (ds.score[i]! < q.minScore || ds.fitError[i]! > q.maxFitError || Math.abs(yaw) > q.maxYaw || Math.abs(pitch) > q.maxPitch) return false;
  return EMOTIONS.includes(ds.emotion(i));
}

/**
 * The part (PART_FIT, PART_DEV or PART_VAL) face i of a dataset belongs to: the train split is
 * fit or dev by a seeded hash of its key, every other split is val. One person never sits in both
 * fit and dev (the key is the identity when known); else the image's content hash, so duplicate
 * images stay together; else its source path.
 */
export function partOf(ds: FaceDataset, i: number, seed: number, devShare = 0.1): number {
  const hash = Array.from(ds.hash.subarray(i * 8, i * 8 + 8), (b) => b.toString(16).padStart(2, '0')).join('');
  const key = ds.identity[i] ? `id:${ds.identity[i]}` : hash !== '0000000000000000' ? hash : ds.source[i]!;
  return ds.splitName(i) === 'train' ? (hashUnit(seed, key) < devShare ? PART_DEV : PART_FIT) : PART_VAL;
}

export function meshRow(set: { mesh: Float32Array }, i: number): Float32Array {
  return set.mesh.subarray(i * N3, (i + 1) * N3);
}

/** Reads labelled face datasets and splits them (see the module comment). */
export async function loadFaceSets(files: readonly string[], o: { seed: number; devShare?: number; quality?: QualityFilter; texture?: boolean }): Promise<FaceSet> {
  const q = o.quality ?? DEFAULT_QUALITY;
  const devShare = o.devShare ?? 0.1;
  const parts: { mesh: Float32Array; emotion: number[]; part: number[]; person: number[]; texture?: Int8Array }[] = [];
  const people = new Map<string, number>();
  const sources: SourceSummary[] = [];
  for (const file of files) {
    const ds = await readDataset(file);
    if (o.texture && !ds.texture) throw new EmoteBotError('bad-argument', `${file} holds no face textures: build it again with "emotebot data prepare" (DATA.md)`);
    const keep: number[] = [];
    let dropped = 0;
    for (let i = 0; i < ds.count; i++) {
      if (!passesQuality(ds, i, q)) { dropped++; continue; }
      keep.push(i);
    }
    const mesh = new Float32Array(keep.length * N3);
    const emotion: number[] = [], part: number[] = [], person: number[] = [];
    const counts: SourceSummary['counts'] = { fit: {}, dev: {}, val: {} };
    keep.forEach((i, k) => {
      mesh.set(ds.meshOf(i), k * N3);
      const e = ds.emotion(i);
      emotion.push(EMOTIONS.indexOf(e));
      const p = partOf(ds, i, o.seed, devShare);
      part.push(p);
      const who = ds.identity[i] ? `${file}:${ds.identity[i]}` : '';
      if (who && !people.has(who)) people.set(who, people.size);
      person.push(who ? people.get(who)! : -1);
      const c = counts[PART_NAMES[p]!]!;
      c[e] = (c[e] ?? 0) + 1;
    });
    let texture: Int8Array | undefined;
    if (o.texture && ds.texture) {
      texture = new Int8Array(keep.length * TEXTURE_TEXELS);
      keep.forEach((i, k) => texture!.set(ds.texture!.subarray(i * TEXTURE_TEXELS, (i + 1) * TEXTURE_TEXELS), k * TEXTURE_TEXELS));
    }
    parts.push({ mesh, emotion, part, person, texture });
    sources.push({ file, faces: ds.count, used: keep.length, dropped, counts });
  }
  const n = parts.reduce((s, p) => s + p.emotion.length, 0);
  const mesh = new Float32Array(n * N3);
  const emotion = new Uint8Array(n), part = new Uint8Array(n), source = new Uint8Array(n), person = new Int32Array(n);
  const texture = o.texture ? new Int8Array(n * TEXTURE_TEXELS) : undefined;
  let off = 0;
  parts.forEach((p, s) => {
    mesh.set(p.mesh, off * N3);
    if (texture && p.texture) texture.set(p.texture, off * TEXTURE_TEXELS);
    emotion.set(p.emotion, off);
    part.set(p.part, off);
    person.set(p.person, off);
    source.fill(s, off, off + p.emotion.length);
    off += p.emotion.length;
  });
  return { n, mesh, emotion, part, source, person, sources, ...(texture ? { texture } : {}) };
}

/** A synthetic set as a FaceSet (train split: fit and dev by a seeded share; val split: val). */
export function faceSetFromSynthetic(s: SyntheticFaces, seed = 1, devShare = 0.1): FaceSet {
  const part = new Uint8Array(s.n);
  const counts: SourceSummary['counts'] = { fit: {}, dev: {}, val: {} };
  for (let i = 0; i < s.n; i++) {
    part[i] = s.split[i] === 1 ? PART_VAL : hashUnit(seed, `syn${i}`) < devShare ? PART_DEV : PART_FIT;
    const c = counts[PART_NAMES[part[i]!]!]!;
    const e = EMOTIONS[s.label[i]!]!;
    c[e] = (c[e] ?? 0) + 1;
  }
  return { n: s.n, mesh: s.mesh, emotion: s.label, part, source: new Uint8Array(s.n), person: Int32Array.from(s.person), sources: [{ file: 'synthetic', faces: s.n, used: s.n, dropped: 0, counts }] };
}

export interface VideoClips {
  file: string;
  clips: { name: string; frames: number; mesh: Float32Array }[];
}

/** The usable frames of every clip in a sequences file. */
export async function loadClips(file: string, quality: QualityFilter = DEFAULT_QUALITY): Promise<VideoClips> {
  const seq = await readSequences(file);
  return {
    file,
    clips: seq.clips.map((c) => {
      const keep: number[] = [];
      for (let f = 0; f < c.valid.length; f++) {
        if (!c.valid[f] || c.fitError[f]! > quality.maxFitError || Math.abs(c.pose[f * 3]!) > quality.maxYaw || Math.abs(c.pose[f * 3 + 1]!) > quality.maxPitch) continue;
        keep.push(f);
      }
      const mesh = new Float32Array(keep.length * N3);
      keep.forEach((f, k) => mesh.set(c.mesh.subarray(f * N3, (f + 1) * N3), k * N3));
      return { name: c.info.source.split(/[\\/]/).pop() ?? c.info.source, frames: keep.length, mesh };
    }).filter((c) => c.frames >= 10),
  };
}

/** Indices of faces in a part (and optionally of one emotion). */
export function indicesOf(set: FaceSet, part: number, emotion?: Emotion): number[] {
  const e = emotion === undefined ? -1 : EMOTIONS.indexOf(emotion);
  const out: number[] = [];
  for (let i = 0; i < set.n; i++) if (set.part[i] === part && (e < 0 || set.emotion[i] === e)) out.push(i);
  return out;
}
