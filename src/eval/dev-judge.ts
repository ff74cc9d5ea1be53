/**
 * The dev judge: EmoteBot's own dev classifier (src/eval/dev-classifier.ts, trained by
 * `emotebot train dev-classifier` on the datasets' fit part only) behind the Judge interface, so
 * `npm run eval -- --judge dev` measures renders with a figure EmoteBot may make choices from.
 *
 * It sees an image the way the data pipeline saw the photos it learned from: Human finds the face
 * with the data pipeline's detection rule (src/data/preprocess.ts DEFAULT_RULE: small images
 * scaled up, a grey border; src/data/detect.ts), faces under the pipeline's minimum score are
 * ignored, the largest is aligned to the canonical face (src/data/align.ts alignMesh), and the
 * classifier crops it through that canonical-to-image similarity. The face descriptor, when asked
 * for, is the detector's (Human's face-description embedding when the detector was made with
 * describe: true): a dev figure for identity on Human's scale, not face-api's.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectInRaster } from '../data/detect.ts';
import { DEFAULT_THRESHOLDS } from '../data/judge.ts';
import { alignMesh } from '../data/align.ts';
import { DEFAULT_RULE } from '../data/preprocess.ts';
import type { FaceDetector } from '../face/types.ts';
import { readModelDir } from '../models/files.ts';
import { classifyFaceWithCrop, DEV_MODEL_NAME, DEV_MODEL_VERSIONS, type DevClassifier, devClassifierFromLoaded } from './dev-classifier.ts';
import { JUDGE_LABELS, type Judge, type JudgeLabel, topLabel } from './judge.ts';

export const DEFAULT_DEV_MODEL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'dev-classifier');

/** Reads and checks models/dev-classifier/ (or another folder the training wrote). */
export async function readDevClassifier(dir: string = DEFAULT_DEV_MODEL_DIR): Promise<DevClassifier> {
  return devClassifierFromLoaded(await readModelDir(dir, { name: DEV_MODEL_NAME, versions: DEV_MODEL_VERSIONS }));
}

export const DEV_JUDGE_DESCRIPTION =
  'Human (468-point mesh) with the data pipeline\'s detection rule (shorter side scaled up to 192 px, longer at most 1280 px, ' +
  `a grey border of 25% of the longer side), faces under score ${DEFAULT_THRESHOLDS.minScore} ignored, the largest face aligned ` +
  'to the canonical face (alignMesh); the dev classifier (models/dev-classifier: HOG + coarse patch of a 48x48 canonical-window ' +
  'luminance crop, softmax regression trained on the datasets\' fit part) on that crop; face descriptor: Human\'s face-description ' +
  'embedding (faceres) of the same face, Euclidean distance';

const EMPTY = (): Record<JudgeLabel, number> => Object.fromEntries(JUDGE_LABELS.map((l) => [l, 0])) as Record<JudgeLabel, number>;

/** The dev classifier as a Judge. `detector` is EmoteBot's Human detector (src/face/human-node.ts). */
export function createDevJudge(model: DevClassifier, detector: FaceDetector): Judge & { readonly preprocessing: string } {
  const m = model.manifest;
  return {
    name: 'dev',
    versions: { [DEV_MODEL_NAME]: `version ${m.version}, weights sha256 ${m.weights.sha256.slice(0, 16)}`, trained: m.created },
    preprocessing: DEV_JUDGE_DESCRIPTION,
    numTensors: () => 0,
    async judge(image, options) {
      const channels = image.channels ?? (image.data.length === image.width * image.height * 3 ? 3 : 4);
      const raster = { data: image.data, width: image.width, height: image.height, channels };
      const d = await detectInRaster(detector, raster, DEFAULT_RULE);
      const faces = d.status === 'ok' ? d.faces.filter((f) => f.score >= DEFAULT_THRESHOLDS.minScore).sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height) : [];
      const face = faces[0];
      if (!face) return { detected: false, score: 0, expressions: EMPTY(), top: null, topProbability: 0, descriptor: null };
      const { similarity } = alignMesh(face.mesh);
      const { probabilities: p, crop } = classifyFaceWithCrop(model, raster, similarity);
      const expressions = EMPTY();
      for (const l of JUDGE_LABELS) expressions[l] = p[l];
      const top = topLabel(expressions);
      return { detected: true, score: face.score, expressions, top, topProbability: expressions[top], descriptor: options?.descriptor ? face.descriptor ?? null : null, crop };
    },
  };
}
