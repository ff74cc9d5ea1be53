/**
 * The labelled photos behind a face dataset (.ebds), by part, for the dev classifier and the dev
 * judge (edge: reads the dataset and lists image files). The parts are exactly the expression
 * models' (src/models/expression-data.ts: the quality filter DEFAULT_QUALITY, `partOf` with the
 * same seed): the classifier learns from `fit`, is chosen and measured on `dev`; `val` is never
 * used for it. Also the dev judge's bar (sampleDevPhotos, dev part) and its portraits
 * (chooseDevFaces: neutral photos of the dev part, or of the val part's people outside the judge's
 * eval faces once the dev part's are used up; they are rendered, never learned from).
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { subSeed } from '../core/rng.ts';
import { EMOTIONS, type Emotion } from '../core/emotions.ts';
import { EmoteBotError } from '../core/errors.ts';
import { readDataset } from '../data/files.ts';
import type { FaceDataset } from '../data/format.ts';
import { DEFAULT_QUALITY, PART_DEV, PART_FIT, PART_VAL, partOf, passesQuality } from '../models/expression-data.ts';
import { type FaceSimilarity, similarityRow } from './dev-classifier.ts';
import { borderedJpeg, EXCLUDED_PEOPLE_LISTS, FACE_LIST, faceListText, namesInList } from './face-list.ts';
import { type RealSampleSet, seededShuffle } from './real.ts';

/** The seed of the fit/dev partition the shipped expression models and dev classifier use. */
export const DEV_PARTITION_SEED = 1;

export interface DatasetPhoto {
  /** Dataset file it came from, and the face's index there. */
  dataset: string;
  index: number;
  /** The image file (absolute): the source root in the dataset's header joined with its path. */
  file: string;
  emotion: Emotion;
  /** Person when the dataset knows it ('' otherwise). */
  identity: string;
  /** Source image size in pixels. */
  width: number;
  height: number;
  /** Canonical cm to source-image pixels (stored by the data pipeline). */
  similarity: FaceSimilarity;
}

/** The person of a file named like muxspace's (Bob_Graham_0002.jpg -> Bob_Graham). */
export function personOfFile(name: string): string {
  return path.basename(name).replace(/\.[^.]+$/, '').replace(/_\d+$/, '');
}

/** The image files' names (no path) in a folder, or named by a face list (src/eval/face-list.ts). */
export async function imagesInFolder(dir: string): Promise<string[]> {
  if (FACE_LIST.test(dir)) return namesInList(dir);
  let files: string[];
  try {
    files = await readdir(dir);
  } catch {
    throw new EmoteBotError('not-found', `cannot read the folder ${dir}`);
  }
  return files.filter((f) => /\.(jpe?g|png|webp)$/i.test(f));
}

/** People whose photos sit in a folder or a face list (by file name), e.g. the judge's evaluation faces. */
export async function peopleInFolder(dir: string): Promise<Set<string>> {
  return new Set((await imagesInFolder(dir)).map(personOfFile));
}

/** The people of the default exclusion (EXCLUDED_PEOPLE_LISTS: the judge's faces, now and before). */
export async function defaultExcludedPeople(): Promise<Set<string>> {
  const out = new Set<string>();
  for (const l of EXCLUDED_PEOPLE_LISTS) for (const p of await peopleInFolder(l)) out.add(p);
  return out;
}

/** The people an --exclude-people value names: a folder or a face list; undefined: the default (defaultExcludedPeople); null: nobody. */
export async function excludedPeople(folder: string | null | undefined): Promise<Set<string>> {
  if (folder === undefined) return defaultExcludedPeople();
  return folder ? peopleInFolder(folder) : new Set();
}

/**
 * The photos of one part of a dataset that pass the quality filter, in dataset order; people in
 * `excludePeople` (by the dataset's identity) are left out.
 */
export function photosOfPart(ds: FaceDataset, file: string, part: typeof PART_FIT | typeof PART_DEV | typeof PART_VAL, seed: number, excludePeople: ReadonlySet<string> = new Set()): { photos: DatasetPhoto[]; excluded: number } {
  const photos: DatasetPhoto[] = [];
  let excluded = 0;
  for (let i = 0; i < ds.count; i++) {
    if (!passesQuality(ds, i, DEFAULT_QUALITY) || partOf(ds, i, seed) !== part) continue;
    const identity = ds.identity[i] ?? '';
    if (identity && excludePeople.has(identity)) { excluded++; continue; }
    const root = ds.header.sources[ds.root[i]!];
    if (!root) throw new EmoteBotError('bad-argument', `${file}: face ${i} names source ${ds.root[i]}, which the header does not list`);
    photos.push({
      dataset: file, index: i, file: path.join(root.path, ds.source[i]!), emotion: ds.emotion(i), identity,
      width: ds.imageSize[i * 2]!, height: ds.imageSize[i * 2 + 1]!, similarity: similarityRow(ds.similarity, i),
    });
  }
  return { photos, excluded };
}

/** Reads a dataset and lists one part's photos (see photosOfPart). */
export async function readPart(file: string, part: typeof PART_FIT | typeof PART_DEV | typeof PART_VAL, seed: number, excludePeople?: ReadonlySet<string>): Promise<{ photos: DatasetPhoto[]; excluded: number; name: string }> {
  const ds = await readDataset(file);
  return { ...photosOfPart(ds, file, part, seed, excludePeople), name: path.basename(file).replace(/\.ebds$/, '') };
}

export { PART_DEV, PART_FIT, PART_VAL };

/**
 * Portraits for the dev judge to render: neutral photos at least `minWidth` pixels wide of
 * distinct known people, none of them in `excludePeople` and no file named in `skipFiles` (the
 * dev faces of earlier sets, so a new set holds new photos); sorted by file, shuffled with a
 * seed, the first photo of each new person kept until there are n.
 */
export function chooseDevFaces(photos: readonly DatasetPhoto[], n: number, seed: number, excludePeople: ReadonlySet<string> = new Set(), minWidth = 200, skipFiles: ReadonlySet<string> = new Set()): DatasetPhoto[] {
  const pool = photos.filter((p) => p.emotion === 'neutral' && p.identity !== '' && p.width >= minWidth && !excludePeople.has(p.identity) && !excludePeople.has(personOfFile(p.file)) && !skipFiles.has(path.basename(p.file)))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const out: DatasetPhoto[] = [];
  const people = new Set<string>();
  for (const p of seededShuffle(pool, subSeed(seed, 'dev-faces'))) {
    if (out.length >= n) break;
    if (people.has(p.identity)) continue;
    people.add(p.identity);
    out.push(p);
  }
  return out;
}

/**
 * Writes the chosen portraits into `dir` as face lists border them (face-list.ts borderedJpeg: a
 * grey (128) border of half the width on the left and right and half the height above and below;
 * JPEG 95), under their own file names, so `--faces <dir>` renders the same faces again; and
 * `faces.txt`, a face list naming them relative to `dataDir`, which gives the same pixels anywhere.
 */
export async function writeDevFaces(faces: readonly DatasetPhoto[], dir: string, dataDir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const f of faces) {
    const out = path.join(dir, path.basename(f.file).replace(/\.[^.]+$/, '') + '.jpg');
    await writeFile(out, await borderedJpeg(f.file));
    written.push(out);
  }
  // The same set as a face list, to keep in the repository (eval/) and evaluate again anywhere.
  await writeFile(path.join(dir, 'faces.txt'), faceListText(faces.map((f) => f.file), dataDir, [`${faces.length} faces written by emotebot eval --dev-faces; paths relative to the data folder`]));
  return written;
}

/**
 * The dev judge's bar: up to `perEmotion` dev-part photos per emotion from each dataset (file
 * order, shuffled with a seed derived from (seed, dataset, emotion), the first ones kept), as the
 * real-photo sample of src/eval/real.ts. Sources are named "<dataset>-dev". `partitionSeed` is
 * the fit/dev split's (the classifier's training seed), `seed` only draws the sample.
 */
export async function sampleDevPhotos(files: readonly string[], perEmotion: number, seed: number, partitionSeed = DEV_PARTITION_SEED, excludePeople: ReadonlySet<string> = new Set()): Promise<RealSampleSet> {
  const out: RealSampleSet = { samples: [], sources: [], notes: [] };
  for (const file of files) {
    const { photos, excluded, name } = await readPart(file, PART_DEV, partitionSeed, excludePeople);
    const source = `${name}-dev`;
    const entry: RealSampleSet['sources'][number] = { name: source, dir: `${file} (dev part)`, labels: [] };
    for (const emotion of EMOTIONS) {
      const mine = photos.filter((p) => p.emotion === emotion).map((p) => p.file).sort();
      if (mine.length === 0) continue;
      const drawn = seededShuffle(mine, subSeed(seed, `dev:${source}:${emotion}`)).slice(0, perEmotion);
      entry.labels.push({ label: emotion, emotion, files: mine.length, drawn: drawn.length });
      for (const f of drawn) out.samples.push({ source, emotion, label: emotion, file: f });
    }
    if (excluded) out.notes.push(`${source}: ${excluded} photos of the judge's evaluation people left out`);
    out.sources.push(entry);
  }
  return out;
}
