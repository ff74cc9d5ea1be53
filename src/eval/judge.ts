/**
 * The independent judge: @vladmandic/face-api's pretrained nets (SSD MobileNet v1 face
 * detector, 68-point landmarks, 7-class expression net, 128-D face descriptor), loaded from the
 * weights inside its npm package and run on the tfjs wasm backend. Nothing here is trained or
 * tuned by EmoteBot, and nothing in EmoteBot is ever fitted against the judge's outputs.
 *
 * Preprocessing is fixed once (JUDGE_PREPROCESSING) and applied to every image the judge sees,
 * real photos and renders alike: detectors miss tight crops such as FER2013's 48x48 faces, so
 * every image is centred on a grey square with a border and resized to one size.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import type { Emotion } from '../core/emotions.ts';

const require = createRequire(import.meta.url);

/** The expression net's seven labels (face-api's names, which are also EmoteBot's). */
export const JUDGE_LABELS = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised'] as const;
export type JudgeLabel = (typeof JUDGE_LABELS)[number];

/** EmoteBot's emotion as a judge label; contempt has none (the judge cannot say "contempt"). */
export function judgeLabelFor(e: Emotion): JudgeLabel | null {
  return (JUDGE_LABELS as readonly string[]).includes(e) ? (e as JudgeLabel) : null;
}

/**
 * The judge's fixed preprocessing, chosen once from the detector's detection share on real
 * photos (never from expression accuracy, never from EmoteBot's renders). face-api's SSD
 * detector barely finds faces that fill the frame: with a border of 25% it found 0 of 28
 * FER2013 and 1 of 32 muxspace faces; with the face at a fifth to a third of the frame (a
 * border of 100-200% of the longer side on each side) it found about 73% and 90%. SSD looks at
 * a 512x512 resize of its input whatever the input size, so the side only sets the resolution
 * the expression and descriptor nets crop the face from: 1024 keeps a rendered 512 px crop's
 * face above the nets' own input sizes (112 and 150 px).
 */
export const JUDGE_PREPROCESSING = Object.freeze({
  /** The image is centred on a grey square this much larger than its longer side on each side. */
  borderFraction: 1.5,
  /** Grey level of the border (0..255). */
  borderGrey: 128,
  /** The padded square is resized (Lanczos) to this many pixels across. */
  side: 1024,
  /** Colour is kept as it is (greyscale photos stay grey, colour renders stay colour). */
  colour: 'unchanged' as const,
  /** SSD MobileNet v1 detection threshold (face-api's default); the largest face is judged. */
  minConfidence: 0.5,
  description:
    'centre on a grey (128) square with a border of 150% of the longer side on each side, resize to 1024x1024 (Lanczos), ' +
    'colour unchanged; SSD MobileNet v1 (min confidence 0.5), the largest face; expression net on that face; ' +
    '128-D descriptor on the face aligned by its 68 landmarks',
});

export interface Verdict {
  /** A face was found. */
  detected: boolean;
  /** Detector score of the judged face (0 when none). */
  score: number;
  /** Probability per label (all 0 when no face). */
  expressions: Record<JudgeLabel, number>;
  /** The most probable label, or null when no face. */
  top: JudgeLabel | null;
  /** Probability of the top label. */
  topProbability: number;
  /** 128-D face descriptor (null when no face or not asked for). */
  descriptor: Float32Array | null;
  /**
   * The normalised luminance crop the judge classified (square, row-major; the dev judge's 48x48
   * canonical window, src/eval/dev-classifier.ts), for judges that have one; absent otherwise
   * (face-api) and when no face was found.
   */
  crop?: Float32Array;
}

export interface JudgeOptions {
  /** Compute the 128-D descriptor too (slower). Default true. */
  descriptor?: boolean;
}

/** RGB or RGBA pixels, row-major; channels inferred from the length when absent. */
export interface JudgeImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels?: 3 | 4;
}

export interface Judge {
  readonly name: string;
  /** Versions of the judge's parts, for the report. */
  readonly versions: Record<string, string>;
  /** What the judge does to an image before it decides, for the report (default: JUDGE_PREPROCESSING.description). */
  readonly preprocessing?: string;
  judge(image: JudgeImage, options?: JudgeOptions): Promise<Verdict>;
  /** Tensors held by tfjs (for leak checks). */
  numTensors(): number;
}

interface Box { x: number; y: number; width: number; height: number }
interface FaceApiResult {
  detection: { score: number; box: Box };
  expressions: Record<string, number>;
  descriptor?: Float32Array;
}
interface FaceApiTask<T> extends PromiseLike<T> {
  withFaceLandmarks(): FaceApiTask<T>;
  withFaceExpressions(): FaceApiTask<T>;
  withFaceDescriptors(): FaceApiTask<T>;
}
interface FaceApi {
  tf: {
    version_core: string;
    getBackend(): string | null;
    setBackend(name: string): Promise<boolean>;
    ready(): Promise<void>;
    setWasmPaths(prefix: string): void;
    tensor3d(data: Uint8Array, shape: [number, number, number], dtype: 'int32'): { dispose(): void };
    memory(): { numTensors: number };
  };
  version: string;
  nets: Record<'ssdMobilenetv1' | 'faceLandmark68Net' | 'faceExpressionNet' | 'faceRecognitionNet', { loadFromDisk(dir: string): Promise<void>; isLoaded: boolean }>;
  SsdMobilenetv1Options: new (o: { minConfidence: number; maxResults?: number }) => object;
  detectAllFaces(input: unknown, options: object): FaceApiTask<FaceApiResult[]>;
}

/** The installed face-api package folder (found by file path; the bundle for Node on wasm is loaded from it). */
export function faceApiDir(): string {
  // require.resolve gives .../@vladmandic/face-api/dist/face-api.node.js
  return path.dirname(path.dirname(require.resolve('@vladmandic/face-api')));
}

let loading: Promise<FaceApi> | null = null;

async function loadFaceApi(): Promise<FaceApi> {
  const dir = faceApiDir();
  // face-api.node-wasm.js requires the project's own @tensorflow/tfjs and tfjs-backend-wasm (4.22.0),
  // so it shares one tfjs engine (and one wasm backend) with Human.
  const api = require(path.join(dir, 'dist', 'face-api.node-wasm.js')) as FaceApi;
  if (api.tf.getBackend() !== 'wasm') {
    // The .wasm files inside tfjs-backend-wasm, read from disk (a plain path: no fetch, no network).
    const wasmDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    api.tf.setWasmPaths(wasmDir + path.sep);
    if (!(await api.tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend could not start');
  }
  await api.tf.ready();
  const modelDir = path.join(dir, 'model');
  for (const net of ['ssdMobilenetv1', 'faceLandmark68Net', 'faceExpressionNet', 'faceRecognitionNet'] as const) {
    if (!api.nets[net].isLoaded) await api.nets[net].loadFromDisk(modelDir);
  }
  return api;
}

/** Applies the fixed preprocessing: RGB, side x side, the image centred with a grey border. */
export async function judgeInput(
  image: JudgeImage,
  prep: { borderFraction: number; borderGrey: number; side: number } = JUDGE_PREPROCESSING,
): Promise<{ data: Uint8Array; side: number }> {
  const { borderFraction, borderGrey, side } = prep;
  const channels = image.channels ?? (image.data.length === image.width * image.height * 3 ? 3 : 4);
  const long = Math.max(image.width, image.height);
  const padded = Math.round(long * (1 + 2 * borderFraction));
  const left = Math.floor((padded - image.width) / 2), top = Math.floor((padded - image.height) / 2);
  const raw = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  const extended = await sharp(raw, { raw: { width: image.width, height: image.height, channels } })
    .removeAlpha()
    .extend({ left, top, right: padded - image.width - left, bottom: padded - image.height - top, background: { r: borderGrey, g: borderGrey, b: borderGrey } })
    .raw()
    .toBuffer();
  const out = await sharp(extended, { raw: { width: padded, height: padded, channels: 3 } })
    .resize(side, side, { kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  return { data: new Uint8Array(out.buffer, out.byteOffset, out.byteLength), side };
}

const EMPTY = (): Record<JudgeLabel, number> => Object.fromEntries(JUDGE_LABELS.map((l) => [l, 0])) as Record<JudgeLabel, number>;

/** Loads the judge (once per process; later calls share the loaded nets). */
export async function createFaceApiJudge(): Promise<Judge> {
  loading ??= loadFaceApi();
  let api: FaceApi;
  try {
    api = await loading;
  } catch (e) {
    loading = null;
    throw e;
  }
  const detectorOptions = new api.SsdMobilenetv1Options({ minConfidence: JUDGE_PREPROCESSING.minConfidence, maxResults: 10 });
  return {
    name: 'face-api',
    versions: { '@vladmandic/face-api': api.version, 'tfjs-core': api.tf.version_core, backend: api.tf.getBackend() ?? 'none' },
    numTensors: () => api.tf.memory().numTensors,
    async judge(image, options = {}) {
      const withDescriptor = options.descriptor ?? true;
      const { data, side } = await judgeInput(image);
      const tensor = api.tf.tensor3d(data, [side, side, 3], 'int32');
      let results: FaceApiResult[];
      try {
        const task = api.detectAllFaces(tensor, detectorOptions).withFaceLandmarks().withFaceExpressions();
        results = await (withDescriptor ? task.withFaceDescriptors() : task);
      } finally {
        tensor.dispose();
      }
      const face = results.sort((a, b) => b.detection.box.width * b.detection.box.height - a.detection.box.width * a.detection.box.height)[0];
      if (!face) return { detected: false, score: 0, expressions: EMPTY(), top: null, topProbability: 0, descriptor: null };
      const expressions = EMPTY();
      for (const l of JUDGE_LABELS) expressions[l] = face.expressions[l] ?? 0;
      const top = topLabel(expressions);
      return { detected: true, score: face.detection.score, expressions, top, topProbability: expressions[top], descriptor: withDescriptor ? (face.descriptor ?? null) : null };
    },
  };
}

/** The most probable label (ties go to the earlier label in JUDGE_LABELS). */
export function topLabel(p: Record<JudgeLabel, number>): JudgeLabel {
  let best: JudgeLabel = JUDGE_LABELS[0];
  for (const l of JUDGE_LABELS) if (p[l] > p[best]) best = l;
  return best;
}
