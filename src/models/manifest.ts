/**
 * Trained models as versioned assets: the weights in one little-endian float32 file and a
 * manifest beside it (name, version, architecture, tensor shapes, training data and command,
 * metrics, the weights' SHA-256), checked on load. The caller may supply the model as files on
 * disk (models/files.ts), a URL, or buffers: this module only sees bytes.
 *
 * Uses Web Crypto (globalThis.crypto.subtle), present in Node 20 and every browser.
 */
export const MODEL_FORMAT = 'emotebot-model';
export const MODEL_FORMAT_VERSION = 1;

export interface TensorSpec {
  name: string;
  shape: number[];
  /** Offset into the weights file, in float32 elements. */
  offset: number;
}

export interface ModelManifest {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  /** What the model is ("expression-gan", "motion-gru", ...). */
  name: string;
  /** The model's own version; consumers name the versions they can run. */
  version: number;
  created: string;
  architecture: Record<string, unknown>;
  tensors: TensorSpec[];
  weights: { file: string; bytes: number; sha256: string };
  training: {
    /** The command that reproduces these weights. */
    command: string;
    seed: number;
    seconds: number;
    /** Data the model learned from: files and counts. */
    data: Record<string, unknown>;
    [key: string]: unknown;
  };
  metrics: Record<string, unknown>;
}

export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelError';
  }
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

const count = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Packs named tensors into one weights buffer and the manifest's tensor table. */
export async function encodeModel(
  meta: Omit<ModelManifest, 'format' | 'formatVersion' | 'tensors' | 'weights'> & { weightsFile?: string },
  tensors: ReadonlyArray<{ name: string; shape: number[]; data: ArrayLike<number> }>,
): Promise<{ manifest: ModelManifest; weights: Uint8Array }> {
  let total = 0;
  const specs: TensorSpec[] = [];
  for (const t of tensors) {
    if (t.data.length !== count(t.shape)) throw new ModelError(`tensor ${t.name}: ${t.data.length} values for shape [${t.shape.join(', ')}]`);
    specs.push({ name: t.name, shape: [...t.shape], offset: total });
    total += t.data.length;
  }
  const buf = new ArrayBuffer(total * 4);
  const view = new DataView(buf);
  tensors.forEach((t, k) => {
    const off = specs[k]!.offset;
    for (let i = 0; i < t.data.length; i++) view.setFloat32((off + i) * 4, t.data[i]!, true);
  });
  const weights = new Uint8Array(buf);
  const { weightsFile, ...rest } = meta;
  const manifest: ModelManifest = {
    format: MODEL_FORMAT, formatVersion: MODEL_FORMAT_VERSION, ...rest, tensors: specs,
    weights: { file: weightsFile ?? `${meta.name}.bin`, bytes: weights.byteLength, sha256: await sha256Hex(weights) },
  };
  return { manifest, weights };
}

export interface LoadedModel {
  manifest: ModelManifest;
  tensor(name: string): Float32Array;
}

/**
 * Checks a manifest and its weights and returns the tensors. Refuses, with a message that says
 * what is wrong: another format, a name or version the caller cannot run, a weights file of the
 * wrong size or content (hash), tensors that do not fit the file.
 */
export async function decodeModel(manifestJson: unknown, weights: Uint8Array, expect: { name: string; versions: readonly number[] }): Promise<LoadedModel> {
  const m = manifestJson as Partial<ModelManifest> | null;
  if (!m || typeof m !== 'object' || m.format !== MODEL_FORMAT) throw new ModelError('not an EmoteBot model manifest');
  if (m.formatVersion !== MODEL_FORMAT_VERSION) throw new ModelError(`model manifest format ${String(m.formatVersion)} is not supported (this EmoteBot reads ${MODEL_FORMAT_VERSION})`);
  if (m.name !== expect.name) throw new ModelError(`expected a "${expect.name}" model, got "${String(m.name)}"`);
  if (typeof m.version !== 'number' || !expect.versions.includes(m.version)) throw new ModelError(`${expect.name} model version ${String(m.version)} is not supported (supported: ${expect.versions.join(', ')})`);
  if (!m.weights || !Array.isArray(m.tensors)) throw new ModelError('the model manifest lists no weights or tensors');
  if (weights.byteLength !== m.weights.bytes) throw new ModelError(`the weights file has ${weights.byteLength} bytes; the manifest says ${m.weights.bytes} (truncated or replaced?)`);
  const hash = await sha256Hex(weights);
  if (hash !== m.weights.sha256) throw new ModelError(`the weights do not match the manifest's SHA-256 (${hash.slice(0, 12)}… instead of ${String(m.weights.sha256).slice(0, 12)}…)`);
  const floats = weights.byteLength / 4;
  const all = new Float32Array(floats);
  const view = new DataView(weights.buffer, weights.byteOffset, weights.byteLength);
  for (let i = 0; i < floats; i++) all[i] = view.getFloat32(i * 4, true);
  const byName = new Map<string, Float32Array>();
  for (const t of m.tensors) {
    const n = count(t.shape);
    if (!Number.isInteger(t.offset) || t.offset < 0 || t.offset + n > floats) throw new ModelError(`tensor ${t.name} does not fit the weights file`);
    byName.set(t.name, all.subarray(t.offset, t.offset + n));
  }
  const manifest = m as ModelManifest;
  return {
    manifest,
    tensor(name: string): Float32Array {
      const t = byName.get(name);
      if (!t) throw new ModelError(`the ${manifest.name} model has no tensor "${name}"`);
      return t;
    },
  };
}
