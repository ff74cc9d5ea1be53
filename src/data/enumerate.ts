/**
 * Finding the labelled images of the inputs (edge: file system): image folders in the common
 * layout or CSV files of path,label[,split]. Labels are mapped by src/data/labels.ts.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Emotion } from '../core/emotions.ts';
import { EmoteBotError } from '../core/errors.ts';
import { csvEntries, identityFromFileName, labelFromPath, type LabelDecision, mapLabel, type Split } from './labels.ts';

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp']);

export interface ImageEntry {
  /** Absolute path. */
  file: string;
  /** Path below the source root (the folder, or the CSV's folder). */
  rel: string;
  root: number;
  rawLabel: string;
  emotion: Emotion;
  split: Split | undefined;
  identity: string | undefined;
}

export interface SourceSummary {
  path: string;
  kind: 'folders' | 'csv';
  images: number;
  unknownLabel: number;
  skipped: number;
}

export interface Enumeration {
  entries: ImageEntry[];
  sources: SourceSummary[];
  /** Raw label name to number of images, for labels that map to nothing. */
  unknownLabels: Record<string, number>;
  /** Images skipped on purpose (--map name=skip). */
  skipped: number;
  /** CSV rows without a path or label, as "file:line". */
  badRows: string[];
}

export type IdentityRule = 'none' | 'filename';

async function walk(dir: string, out: string[]): Promise<void> {
  const items = await readdir(dir, { withFileTypes: true });
  for (const it of items) {
    if (it.name.startsWith('.')) continue;
    const p = path.join(dir, it.name);
    if (it.isDirectory()) await walk(p, out);
    else if (it.isFile() && IMAGE_EXT.has(path.extname(it.name).toLowerCase())) out.push(p);
  }
}

export async function enumerateInputs(inputs: readonly string[], custom: ReadonlyMap<string, LabelDecision>, identity: IdentityRule): Promise<Enumeration> {
  const result: Enumeration = { entries: [], sources: [], unknownLabels: {}, skipped: 0, badRows: [] };
  for (const input of inputs) {
    const abs = path.resolve(input);
    let s;
    try {
      s = await stat(abs);
    } catch {
      throw new EmoteBotError('not-found', `cannot open ${input}: no such folder or file`);
    }
    const root = result.sources.length;
    const src: SourceSummary = { path: abs, kind: s.isDirectory() ? 'folders' : 'csv', images: 0, unknownLabel: 0, skipped: 0 };
    const found: { file: string; rel: string; label: string | undefined; split: Split | undefined }[] = [];
    if (s.isDirectory()) {
      const files: string[] = [];
      await walk(abs, files);
      for (const f of files) {
        const rel = path.relative(abs, f).split(path.sep).join('/');
        found.push({ file: f, rel, ...labelFromPath(rel) });
      }
    } else if (s.isFile() && abs.toLowerCase().endsWith('.csv')) {
      const base = path.dirname(abs);
      const { entries, bad } = csvEntries(await readFile(abs, 'utf8'));
      for (const l of bad) result.badRows.push(`${input}:${l}`);
      for (const e of entries) {
        const file = path.resolve(base, e.path);
        found.push({ file, rel: path.relative(base, file).split(path.sep).join('/'), label: e.label, split: e.split });
      }
    } else {
      throw new EmoteBotError('bad-argument', `${input} is neither a folder of labelled images nor a .csv file of path,label`);
    }
    found.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
    for (const f of found) {
      const decision = f.label === undefined ? undefined : mapLabel(f.label, custom);
      if (decision === 'skip') { src.skipped++; result.skipped++; continue; }
      if (decision === undefined) {
        const name = f.label ?? '(no label folder)';
        result.unknownLabels[name] = (result.unknownLabels[name] ?? 0) + 1;
        src.unknownLabel++;
        continue;
      }
      src.images++;
      result.entries.push({
        file: f.file, rel: f.rel, root, rawLabel: f.label!, emotion: decision, split: f.split,
        identity: identity === 'filename' ? identityFromFileName(f.rel) : undefined,
      });
    }
    result.sources.push(src);
  }
  return result;
}
