/**
 * EmoteBot's training data files, pure encode and decode (bytes in, bytes out):
 *
 * - a face dataset (`.ebds`, kind "faces"): one aligned 468-point mesh per labelled photo, with its
 *   label, split, source, detection score, head pose and the transform that undoes the alignment;
 * - a sequences file (`.ebseq`, kind "sequences"): every frame of face videos, clip by clip, with
 *   time stamps and a per-frame valid flag.
 *
 * Both sit in the container of src/data/container.ts. src/data/files.ts reads them from disk
 * (`readDataset`, `readSequences`); DATA.md documents every field.
 */
import { EMOTIONS, type Emotion } from '../core/emotions.ts';
import { LANDMARK_COUNT } from '../core/topology.ts';
import { TEXTURE_MISSING, TEXTURE_STEP, UV_SIZE } from '../render/uv-texture.ts';
import { type ArrayData, type ArraySpec, type Container, type ContainerHeader, DataFileError, decodeContainer, encodeContainer, quantiseInt16 } from './container.ts';
import { SPLITS, type Split } from './labels.ts';
import { REJECT_REASONS, type RejectReason } from './judge.ts';

export const DATASET_KIND = 'faces';
export const SEQUENCES_KIND = 'sequences';
/** Content version of both kinds; bump when an array changes meaning. */
export const DATA_VERSION = 1;
/** Aligned meshes are stored as int16 multiples of this many centimetres (10 micrometres). */
export const MESH_STEP_CM = 0.001;
export const MESH_VALUES = LANDMARK_COUNT * 3;
/** Per-face transform: scale, rotation (row-major 3x3), translation. */
export const SIMILARITY_VALUES = 13;
/** Texels per stored face texture (UV_SIZE x UV_SIZE). */
export const TEXTURE_TEXELS = UV_SIZE * UV_SIZE;
/** What the `texture` array holds, word for word in its header entry. */
export const TEXTURE_DESCRIPTION = `the face's appearance in the UV (texture) layout of MediaPipe's canonical face (src/core/topology.ts CANONICAL_UVS), ${UV_SIZE}x${UV_SIZE} texels, row-major, v down (texel [j][i] is centred at u = (i + 0.5) / ${UV_SIZE}, v = (j + 0.5) / ${UV_SIZE}), unwrapped from the source image at its own resolution through the face's mesh in source pixels; lighting-normalised: natural-log luminance ln(L + 1/255), L = (0.299 R + 0.587 G + 0.114 B) / 255, minus a least-squares quadratic surface in (u, v) fitted over the covered texels (src/render/uv-texture.ts); value = int8 * step; ${TEXTURE_MISSING} = not covered (the triangle faces away from the camera, is seen over 72.5 degrees from head-on, or the face/frame was not accepted)`;
/** Reason codes in sequences files: 0 is a usable frame, k is REJECT_REASONS[k - 1]. */
export const FRAME_REASONS = ['ok', ...REJECT_REASONS] as const;

/** Facts shared by both kinds, in the header. */
export interface CommonHeader {
  kind: string;
  version: number;
  created: string;
  generator: string;
  /** Label index to emotion, for the face dataset's `label` array. */
  vocabulary: readonly string[];
  canonical: { units: 'cm'; axes: string; positions: number[] };
  alignment: { method: string; stablePoints: number[]; depthScaleSearch: [number, number]; normalisation: string; meshStepCm: number; pipelineVersion: number };
  detection: { detector: string; rule: { minSide: number; maxSide: number; border: number }; thresholds: Record<string, number> };
  /** Rejected images or frames by reason. */
  rejected: Partial<Record<RejectReason, number>>;
  run: {
    seconds: number; processed: number; fromCache: number; workers: number; perSecond: number;
    /** Textures unwrapped in texture-only jobs (detection from the cache; the image decoded again), and the seconds they took. */
    textureJobs?: number; textureSeconds?: number;
  };
  /** How many aligned values had to be clamped to the int16 range (should be 0). */
  clampedValues: number;
}

export interface SourceInfo {
  /** The folder, CSV or video as given on the command line (absolute). */
  path: string;
  kind: 'folders' | 'csv' | 'video';
  /** Images found with a label, images used, images skipped for an unknown label. */
  images: number;
  accepted: number;
  unknownLabel: number;
}

export interface DatasetHeader extends CommonHeader {
  splits: readonly string[];
  count: number;
  sources: SourceInfo[];
  /** Faces per split and label. */
  counts: Record<string, Record<string, number>>;
  /** Label names that mapped to nothing, with how many images carried them. */
  unknownLabels: Record<string, number>;
  /** The duplicate images (same content under several paths) that were kept once per path. */
  duplicates: number;
}

export interface ClipInfo {
  source: string;
  identity: string;
  width: number;
  height: number;
  fps: number;
  duration: number;
  /** Presentation time of the first frame in the video; `time` counts from it. */
  startTime: number;
  firstFrame: number;
  frameCount: number;
  validFrames: number;
  /** SHA-256 of the video file, hex. */
  hash: string;
}

export interface SequencesHeader extends CommonHeader {
  frameCount: number;
  clips: ClipInfo[];
  reasons: readonly string[];
  /** Videos that could not be read at all. */
  skippedVideos: { path: string; reason: string }[];
}

/** The per-face (or per-frame) geometry both kinds store. */
export interface FaceArrays {
  score: Float32Array;
  /** yaw, pitch, roll in degrees (src/data/align.ts HeadPose). */
  pose: Float32Array;
  /** Aligned meshes, MESH_VALUES per face, centimetres (dequantised from int16). */
  mesh: Float32Array;
  similarity: Float32Array;
  depthScale: Float32Array;
  fitError: Float32Array;
  /** Face box in source pixels: x, y, width, height. */
  box: Float32Array;
}

export interface FaceDataset extends FaceArrays {
  header: DatasetHeader;
  count: number;
  /**
   * `mesh` is dequantised from `meshInt16` on first access (70 million values for 50,000 faces:
   * a few hundred milliseconds), so opening a dataset stays fast; `meshOf(i)` never needs it.
   */
  meshInt16: Int16Array;
  /** Centimetres per unit of meshInt16. */
  meshStep: number;
  /** Index into header.vocabulary. */
  label: Uint8Array;
  /** Index into header.splits. */
  split: Uint8Array;
  /** Source image width and height. */
  imageSize: Uint32Array;
  /** Path of the image below its source root. */
  source: readonly string[];
  /** Index into header.sources. */
  root: Uint16Array;
  /** Person, when known ('' otherwise). */
  identity: readonly string[];
  /** First 8 bytes of the SHA-256 of the image file, 8 per face. */
  hash: Uint8Array;
  /**
   * Lighting-normalised UV texture per face, TEXTURE_TEXELS (128 x 128, v down) int8 values per
   * face: value * TEXTURE_STEP is ln-luminance shading, TEXTURE_MISSING (-128) is not covered
   * (decodeTexture in src/render/uv-texture.ts). Absent in files made before textures existed.
   */
  texture?: Int8Array;
  emotion(i: number): Emotion;
  splitName(i: number): Split;
  /** The aligned mesh of face i, centimetres (a view of `mesh` once that is built, else a fresh array). */
  meshOf(i: number): Float32Array;
  /** Any other array in the file, by name (arrays added later, such as textures). */
  array(name: string): ArrayData | undefined;
}

/** One clip's frames: the per-frame geometry (FaceArrays, one row per frame) and more. */
export interface Clip extends FaceArrays {
  info: ClipInfo;
  /** Seconds from the start of the video, one per frame. */
  time: Float64Array;
  /** 1 where the frame holds a usable face. */
  valid: Uint8Array;
  /** Index into header.reasons (0: ok). */
  reason: Uint8Array;
  /** The clip's frames' textures (as Sequences.texture), when the file has them. */
  texture?: Int8Array;
}

export interface Sequences {
  header: SequencesHeader;
  frameCount: number;
  clips: Clip[];
  /**
   * Lighting-normalised UV texture per frame, TEXTURE_TEXELS int8 values per frame (as
   * FaceDataset.texture); frames that are not valid are all TEXTURE_MISSING. Absent in older files.
   */
  texture?: Int8Array;
  array(name: string): ArrayData | undefined;
}

// ---------------------------------------------------------------------------------------------
// Writing

/** Accumulates faces (or frames) and their geometry; grows as needed. */
export class FaceTable {
  count = 0;
  private cap: number;
  score: Float32Array; pose: Float32Array; mesh: Int16Array; similarity: Float32Array;
  depthScale: Float32Array; fitError: Float32Array; box: Float32Array;
  clamped = 0;

  constructor(capacity = 1024) {
    this.cap = Math.max(1, capacity);
    this.score = new Float32Array(this.cap); this.pose = new Float32Array(this.cap * 3);
    this.mesh = new Int16Array(this.cap * MESH_VALUES); this.similarity = new Float32Array(this.cap * SIMILARITY_VALUES);
    this.depthScale = new Float32Array(this.cap); this.fitError = new Float32Array(this.cap); this.box = new Float32Array(this.cap * 4);
  }

  private grow(): void {
    const cap = this.cap * 2;
    const g = <T extends Float32Array | Int16Array>(a: T, per: number): T => {
      const b = new (a.constructor as new (n: number) => T)(cap * per);
      b.set(a);
      return b;
    };
    this.score = g(this.score, 1); this.pose = g(this.pose, 3); this.mesh = g(this.mesh, MESH_VALUES);
    this.similarity = g(this.similarity, SIMILARITY_VALUES); this.depthScale = g(this.depthScale, 1);
    this.fitError = g(this.fitError, 1); this.box = g(this.box, 4);
    this.cap = cap;
  }

  /** Adds one row; every field is optional (zeros stand for "no face"). Returns the row index. */
  push(row: {
    score?: number; pose?: { yaw: number; pitch: number; roll: number }; aligned?: ArrayLike<number>;
    similarity?: { scale: number; rotation: ArrayLike<number>; translation: ArrayLike<number> }; depthScale?: number; fitError?: number;
    box?: { x: number; y: number; width: number; height: number };
  }): number {
    if (this.count === this.cap) this.grow();
    const i = this.count++;
    this.score[i] = row.score ?? 0;
    if (row.pose) this.pose.set([row.pose.yaw, row.pose.pitch, row.pose.roll], i * 3);
    if (row.aligned) {
      if (row.aligned.length !== MESH_VALUES) throw new Error(`aligned mesh needs ${MESH_VALUES} values`);
      this.clamped += quantiseInt16(row.aligned, MESH_STEP_CM, this.mesh.subarray(i * MESH_VALUES, (i + 1) * MESH_VALUES)).clamped;
    }
    if (row.similarity) {
      const s = row.similarity;
      this.similarity[i * SIMILARITY_VALUES] = s.scale;
      for (let k = 0; k < 9; k++) this.similarity[i * SIMILARITY_VALUES + 1 + k] = s.rotation[k]!;
      for (let k = 0; k < 3; k++) this.similarity[i * SIMILARITY_VALUES + 10 + k] = s.translation[k]!;
    }
    this.depthScale[i] = row.depthScale ?? 0;
    this.fitError[i] = row.fitError ?? 0;
    if (row.box) this.box.set([row.box.x, row.box.y, row.box.width, row.box.height], i * 4);
    return i;
  }

  /** The container arrays of the rows so far. */
  arrays(): { spec: ArraySpec; data: ArrayData }[] {
    const n = this.count;
    return [
      { spec: { name: 'score', dtype: 'float32', shape: [n], description: 'detector score, 0..1' }, data: this.score.subarray(0, n) },
      { spec: { name: 'pose', dtype: 'float32', shape: [n, 3], description: 'head yaw, pitch, roll in degrees (yaw > 0: turned to its own left; pitch > 0: up; roll > 0: tilted to its own left shoulder)' }, data: this.pose.subarray(0, n * 3) },
      { spec: { name: 'mesh', dtype: 'int16', shape: [n, LANDMARK_COUNT, 3], step: MESH_STEP_CM, description: 'aligned 468-point mesh, canonical centimetres (header.alignment.normalisation)' }, data: this.mesh.subarray(0, n * MESH_VALUES) },
      { spec: { name: 'similarity', dtype: 'float32', shape: [n, SIMILARITY_VALUES], description: 'canonical frame to source pixels (z times depthScale): scale, rotation row-major 3x3, translation' }, data: this.similarity.subarray(0, n * SIMILARITY_VALUES) },
      { spec: { name: 'depthScale', dtype: 'float32', shape: [n], description: "factor applied to the detector's z before alignment" }, data: this.depthScale.subarray(0, n) },
      { spec: { name: 'fitError', dtype: 'float32', shape: [n], description: 'RMS distance of the aligned stable points from the canonical face, cm' }, data: this.fitError.subarray(0, n) },
      { spec: { name: 'box', dtype: 'float32', shape: [n, 4], description: 'face box in source pixels: x, y, width, height' }, data: this.box.subarray(0, n * 4) },
    ];
  }
}

export interface DatasetRows {
  faces: FaceTable;
  label: Uint8Array;
  split: Uint8Array;
  imageSize: Uint32Array;
  source: string[];
  root: Uint16Array;
  identity: string[];
  hash: Uint8Array;
  /** TEXTURE_TEXELS int8 values per face (uv-texture.ts encodeTexture); left out of the file when absent. */
  texture?: Int8Array;
}

function textureArray(n: number, texture: Int8Array): { spec: ArraySpec; data: ArrayData } {
  if (texture.length !== n * TEXTURE_TEXELS) throw new Error(`texture has ${texture.length} values for ${n} rows of ${TEXTURE_TEXELS}`);
  return { spec: { name: 'texture', dtype: 'int8', shape: [n, UV_SIZE, UV_SIZE], step: TEXTURE_STEP, description: TEXTURE_DESCRIPTION }, data: texture };
}

/** The texture array of a file, when it has one of the expected shape; undefined in older files. */
function readTexture(c: Container, what: string, n: number): Int8Array | undefined {
  const d = c.get('texture');
  if (d === undefined) return undefined;
  const spec = c.header.arrays.find((a) => a.name === 'texture');
  if (!(d instanceof Int8Array) || d.length !== n * TEXTURE_TEXELS || spec?.step !== TEXTURE_STEP) {
    throw new DataFileError('corrupt', `${what}: array "texture" has the wrong type or size: rebuild it`);
  }
  return d;
}

export function encodeDataset(meta: Omit<DatasetHeader, 'kind' | 'version' | 'count' | 'clampedValues' | 'splits' | 'vocabulary'>, rows: DatasetRows): Uint8Array {
  const n = rows.faces.count;
  const check = (name: string, len: number, per: number) => { if (len !== n * per) throw new Error(`encodeDataset: ${name} has ${len} values for ${n} faces`); };
  check('label', rows.label.length, 1); check('split', rows.split.length, 1); check('imageSize', rows.imageSize.length, 2);
  check('source', rows.source.length, 1); check('root', rows.root.length, 1); check('identity', rows.identity.length, 1); check('hash', rows.hash.length, 8);
  const header = { ...meta, kind: DATASET_KIND, version: DATA_VERSION, vocabulary: [...EMOTIONS], splits: [...SPLITS], count: n, clampedValues: rows.faces.clamped };
  return encodeContainer(header, [
    { spec: { name: 'label', dtype: 'uint8', shape: [n], description: 'index into header.vocabulary' }, data: rows.label },
    { spec: { name: 'split', dtype: 'uint8', shape: [n], description: 'index into header.splits' }, data: rows.split },
    ...rows.faces.arrays(),
    { spec: { name: 'imageSize', dtype: 'uint32', shape: [n, 2], description: 'source image width, height in pixels' }, data: rows.imageSize },
    { spec: { name: 'source', dtype: 'utf8', shape: [n], description: 'image path below its source root' }, data: rows.source },
    { spec: { name: 'root', dtype: 'uint16', shape: [n], description: 'index into header.sources' }, data: rows.root },
    { spec: { name: 'identity', dtype: 'utf8', shape: [n], description: "the person, when known ('' otherwise)" }, data: rows.identity },
    { spec: { name: 'hash', dtype: 'uint8', shape: [n, 8], description: 'first 8 bytes of the SHA-256 of the image file' }, data: rows.hash },
    ...(rows.texture ? [textureArray(n, rows.texture)] : []),
  ]);
}

export interface SequenceRows {
  frames: FaceTable;
  clip: Uint32Array;
  time: Float64Array;
  valid: Uint8Array;
  reason: Uint8Array;
  /** TEXTURE_TEXELS int8 values per frame; left out of the file when absent. */
  texture?: Int8Array;
}

export function encodeSequences(meta: Omit<SequencesHeader, 'kind' | 'version' | 'frameCount' | 'clampedValues' | 'reasons' | 'vocabulary'>, rows: SequenceRows): Uint8Array {
  const n = rows.frames.count;
  for (const [name, len] of [['clip', rows.clip.length], ['time', rows.time.length], ['valid', rows.valid.length], ['reason', rows.reason.length]] as const) {
    if (len !== n) throw new Error(`encodeSequences: ${name} has ${len} values for ${n} frames`);
  }
  const header = { ...meta, kind: SEQUENCES_KIND, version: DATA_VERSION, vocabulary: [...EMOTIONS], reasons: [...FRAME_REASONS], frameCount: n, clampedValues: rows.frames.clamped };
  return encodeContainer(header, [
    { spec: { name: 'clip', dtype: 'uint32', shape: [n], description: 'index into header.clips' }, data: rows.clip },
    { spec: { name: 'time', dtype: 'float64', shape: [n], description: 'seconds from the start of the clip (presentation time stamp)' }, data: rows.time },
    { spec: { name: 'valid', dtype: 'uint8', shape: [n], description: '1: a usable face; 0: see reason' }, data: rows.valid },
    { spec: { name: 'reason', dtype: 'uint8', shape: [n], description: 'index into header.reasons (0: ok)' }, data: rows.reason },
    ...rows.frames.arrays(),
    ...(rows.texture ? [textureArray(n, rows.texture)] : []),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Reading

function need<T>(c: Container, name: string, what: string, ok: (d: ArrayData) => d is ArrayData & T): T {
  const d = c.get(name);
  if (!d || !ok(d)) throw new DataFileError('corrupt', `${what} lacks its "${name}" array: rebuild it`);
  return d;
}

function needFloats(c: Container, name: string, what: string, length: number): Float32Array {
  const d = c.floats(name);
  if (!d || d.length !== length) throw new DataFileError('corrupt', `${what}: array "${name}" is missing or has the wrong size: rebuild it`);
  return d;
}

const isU8 = (d: ArrayData): d is Uint8Array => d instanceof Uint8Array;
const isU16 = (d: ArrayData): d is Uint16Array => d instanceof Uint16Array;
const isU32 = (d: ArrayData): d is Uint32Array => d instanceof Uint32Array;
const isF64 = (d: ArrayData): d is Float64Array => d instanceof Float64Array;
const isStrings = (d: ArrayData): d is readonly string[] => Array.isArray(d);

function faceArrays(c: Container, what: string, n: number): FaceArrays {
  return { ...faceArraysButMesh(c, what, n), mesh: needFloats(c, 'mesh', what, n * MESH_VALUES) };
}

function faceArraysButMesh(c: Container, what: string, n: number): Omit<FaceArrays, 'mesh'> {
  return {
    score: needFloats(c, 'score', what, n),
    pose: needFloats(c, 'pose', what, n * 3),
    similarity: needFloats(c, 'similarity', what, n * SIMILARITY_VALUES),
    depthScale: needFloats(c, 'depthScale', what, n),
    fitError: needFloats(c, 'fitError', what, n),
    box: needFloats(c, 'box', what, n * 4),
  };
}

/** Decodes a face dataset's bytes; `what` names the file in errors. */
export function decodeDataset(bytes: Uint8Array, what = 'the dataset'): FaceDataset {
  const c = decodeContainer(bytes, what, { kind: DATASET_KIND, version: DATA_VERSION });
  const header = c.header as ContainerHeader & DatasetHeader;
  const n = header.count;
  if (!Number.isInteger(n) || n < 0) throw new DataFileError('corrupt', `${what} has a damaged header: rebuild it`);
  const label = need(c, 'label', what, isU8), split = need(c, 'split', what, isU8);
  const source = need(c, 'source', what, isStrings), identity = need(c, 'identity', what, isStrings);
  if (label.length !== n || split.length !== n || source.length !== n || identity.length !== n) throw new DataFileError('corrupt', `${what}: arrays disagree on the number of faces: rebuild it`);
  const geometry = faceArraysButMesh(c, what, n);
  const meshSpec = header.arrays.find((a) => a.name === 'mesh');
  const meshInt16 = c.get('mesh');
  if (!(meshInt16 instanceof Int16Array) || meshInt16.length !== n * MESH_VALUES || !meshSpec || typeof meshSpec.step !== 'number') {
    throw new DataFileError('corrupt', `${what}: array "mesh" is missing or has the wrong size: rebuild it`);
  }
  const meshStep = meshSpec.step;
  const vocab = header.vocabulary as readonly Emotion[];
  const splits = header.splits as readonly Split[];
  let mesh: Float32Array | undefined;
  const texture = readTexture(c, what, n);
  const ds: FaceDataset = {
    ...(texture ? { texture } : {}),
    header, count: n, label, split, source, identity, ...geometry, meshInt16, meshStep,
    get mesh() {
      mesh ??= needFloats(c, 'mesh', what, n * MESH_VALUES);
      return mesh;
    },
    imageSize: need(c, 'imageSize', what, isU32),
    root: need(c, 'root', what, isU16),
    hash: need(c, 'hash', what, isU8),
    emotion: (i) => vocab[label[i]!]!,
    splitName: (i) => splits[split[i]!]!,
    meshOf: (i) => {
      if (mesh) return mesh.subarray(i * MESH_VALUES, (i + 1) * MESH_VALUES);
      const out = new Float32Array(MESH_VALUES);
      for (let k = 0, b = i * MESH_VALUES; k < MESH_VALUES; k++) out[k] = meshInt16[b + k]! * meshStep;
      return out;
    },
    array: (name) => c.get(name),
  };
  return ds;
}

/** Decodes a sequences file's bytes; `what` names the file in errors. */
export function decodeSequences(bytes: Uint8Array, what = 'the sequences file'): Sequences {
  const c = decodeContainer(bytes, what, { kind: SEQUENCES_KIND, version: DATA_VERSION });
  const header = c.header as ContainerHeader & SequencesHeader;
  const n = header.frameCount;
  if (!Number.isInteger(n) || n < 0 || !Array.isArray(header.clips)) throw new DataFileError('corrupt', `${what} has a damaged header: rebuild it`);
  const time = need(c, 'time', what, isF64), valid = need(c, 'valid', what, isU8), reason = need(c, 'reason', what, isU8);
  if (time.length !== n || valid.length !== n || reason.length !== n) throw new DataFileError('corrupt', `${what}: arrays disagree on the number of frames: rebuild it`);
  const g = faceArrays(c, what, n);
  const texture = readTexture(c, what, n);
  const clips = header.clips.map((info): Clip => {
    const a = info.firstFrame, b = info.firstFrame + info.frameCount;
    if (!(a >= 0 && b <= n && a <= b)) throw new DataFileError('corrupt', `${what}: clip ${info.source} points outside the frames: rebuild it`);
    return {
      info, time: time.subarray(a, b), valid: valid.subarray(a, b), reason: reason.subarray(a, b),
      score: g.score.subarray(a, b), pose: g.pose.subarray(a * 3, b * 3), mesh: g.mesh.subarray(a * MESH_VALUES, b * MESH_VALUES),
      similarity: g.similarity.subarray(a * SIMILARITY_VALUES, b * SIMILARITY_VALUES), depthScale: g.depthScale.subarray(a, b),
      fitError: g.fitError.subarray(a, b), box: g.box.subarray(a * 4, b * 4),
      ...(texture ? { texture: texture.subarray(a * TEXTURE_TEXELS, b * TEXTURE_TEXELS) } : {}),
    };
  });
  return { header, frameCount: n, clips, ...(texture ? { texture } : {}), array: (name) => c.get(name) };
}
