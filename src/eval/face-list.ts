/**
 * Face lists: a set of evaluation faces named in a text file the repository holds, so that a
 * fresh checkout evaluates on the same faces (the photos stay in the shared data and are read
 * by path; nothing of them is committed). One path per line, relative to the data folder (the
 * eval's `--real`, default ../shared/data beside the project) or absolute; blank lines and text
 * after '#' are ignored.
 *
 * A listed photo is evaluated as `--dev-faces` writes its picks: centred on a mid-grey border of
 * half its width and height on each side and encoded as JPEG (quality 95), in memory. A list and
 * the folder `--dev-faces` wrote for the same photos give the same pixels.
 *
 * Edge: reads files (node:fs, sharp).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { EmoteBotError } from '../core/errors.ts';

/** What names a face list (rather than an image or a folder of them). */
export const FACE_LIST = /\.txt$/i;

/** The lists in the repository (`eval/`). */
export const LIST_DIR = path.resolve(import.meta.dirname, '../../eval');
/** The judge's evaluation faces: held-out neutral portraits (`npm run eval -- --faces eval/judge-faces.txt`). */
export const JUDGE_FACES = path.join(LIST_DIR, 'judge-faces.txt');
/**
 * People never used as dev faces, dev photos or dev-classifier training data: the judge's faces'
 * people and those of the earlier judge faces (former-judge-faces.txt).
 */
export const EXCLUDED_PEOPLE_LISTS: readonly string[] = [JUDGE_FACES, path.join(LIST_DIR, 'former-judge-faces.txt')];

/** The entries of a face list's text, in order (pure). */
export function parseFaceList(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.replace(/#.*/, '').trim()).filter((l) => l !== '');
}

async function readListText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    throw new EmoteBotError('not-found', `the face list ${file} cannot be read`);
  }
}

/** The file names (no folder) a list names, for the lists that say whom to leave out. Files need not exist. */
export async function namesInList(file: string): Promise<string[]> {
  return parseFaceList(await readListText(file)).map((e) => path.basename(e));
}

/** The photos a list names, as absolute paths; refuses a list naming no photo or a photo that is not there. */
export async function readFaceList(file: string, dataDir: string): Promise<string[]> {
  const entries = parseFaceList(await readListText(file));
  if (entries.length === 0) throw new EmoteBotError('bad-argument', `the face list ${file} names no photo`);
  const files = entries.map((e) => path.resolve(dataDir, e));
  const missing: string[] = [];
  for (const f of files) {
    try {
      if (!(await stat(f)).isFile()) missing.push(f);
    } catch {
      missing.push(f);
    }
  }
  if (missing.length) {
    throw new EmoteBotError('not-found', `the face list ${file}: ${missing.length} of its ${files.length} photos not found under ${dataDir} (first: ${missing[0]}); give the data folder with --real`);
  }
  return files;
}

/** A photo centred on a mid-grey border of half its size on each side, as JPEG (quality 95). */
export async function borderedJpeg(file: string): Promise<Buffer> {
  const img = sharp(file);
  const m = await img.metadata();
  if (!m.width || !m.height) throw new EmoteBotError('not-an-image', `${file}: not an image`);
  const x = Math.round(m.width / 2), y = Math.round(m.height / 2);
  return img.extend({ top: y, bottom: y, left: x, right: x, background: { r: 128, g: 128, b: 128 } }).jpeg({ quality: 95 }).toBuffer();
}

/** A face list's text naming `files`, relative to `dataDir`, under comment lines. */
export function faceListText(files: readonly string[], dataDir: string, comments: readonly string[]): string {
  return [...comments.map((c) => `# ${c}`), ...files.map((f) => path.relative(dataDir, f).split(path.sep).join('/'))].join('\n') + '\n';
}
