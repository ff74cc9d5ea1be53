/**
 * The real photos the judge is measured on first (the bar a rendered face is compared with): a
 * seeded sample per emotion from each labelled set found under the data folder.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { type Emotion, emotionFromName } from '../core/emotions.ts';
import { createRng, subSeed } from '../core/rng.ts';

/** A labelled set: image folders named by label, below `dir`. */
export interface RealSourceSpec {
  name: string;
  /** Relative to the data folder. */
  dir: string;
}

/** FER2013's validation split and the muxspace photos (see ../shared/data/README.md). */
export const REAL_SOURCES: readonly RealSourceSpec[] = [
  { name: 'fer2013-val', dir: 'fer2013/val' },
  { name: 'muxspace', dir: 'muxspace' },
];

export interface RealSample {
  source: string;
  emotion: Emotion;
  /** The folder's own label name. */
  label: string;
  file: string;
}

export interface RealSampleSet {
  samples: RealSample[];
  /** Per source: folder labels found, how many files each held, how many were drawn. */
  sources: { name: string; dir: string; labels: { label: string; emotion: Emotion | null; files: number; drawn: number }[] }[];
  notes: string[];
}

const IMAGE = /\.(jpe?g|png|webp)$/i;

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Seeded Fisher-Yates shuffle of a copy (same seed, same order). */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  const a = [...items];
  const rng = createRng(seed);
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/**
 * Draws up to `perEmotion` photos per label from every known source under `dataDir`: file names
 * sorted, shuffled with a seed derived from (seed, source, label), the first ones kept.
 */
export async function sampleRealPhotos(dataDir: string, perEmotion: number, seed: number, sources: readonly RealSourceSpec[] = REAL_SOURCES): Promise<RealSampleSet> {
  const out: RealSampleSet = { samples: [], sources: [], notes: [] };
  for (const src of sources) {
    const root = path.join(dataDir, src.dir);
    if (!(await isDir(root))) {
      out.notes.push(`${src.name}: ${root} not found, left out`);
      continue;
    }
    const entry: RealSampleSet['sources'][number] = { name: src.name, dir: root, labels: [] };
    for (const label of (await readdir(root)).sort()) {
      if (!(await isDir(path.join(root, label)))) continue;
      const emotion = emotionFromName(label) ?? null;
      const files = (await readdir(path.join(root, label))).filter((f) => IMAGE.test(f)).sort();
      const drawn = emotion === null ? [] : seededShuffle(files, subSeed(seed, `real:${src.name}:${label}`)).slice(0, perEmotion);
      if (emotion === null) out.notes.push(`${src.name}: label "${label}" is not an EmoteBot emotion, left out`);
      entry.labels.push({ label, emotion, files: files.length, drawn: drawn.length });
      for (const f of drawn) out.samples.push({ source: src.name, emotion: emotion!, label, file: path.join(root, label, f) });
    }
    out.sources.push(entry);
  }
  return out;
}
