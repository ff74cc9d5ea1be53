/**
 * EmoteBot's data files on disk (edge): the typed readers later training code uses, and atomic
 * writing (a temporary file renamed into place, so Ctrl-C never leaves half a dataset).
 *
 *   const ds = await readDataset('datasets/fer2013.ebds');   // FaceDataset (src/data/format.ts)
 *   const seq = await readSequences('datasets/face-videos.ebseq');
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EmoteBotError } from '../core/errors.ts';
import { decodeContainer } from './container.ts';
import { DATA_VERSION, DATASET_KIND, decodeDataset, decodeSequences, type FaceDataset, type Sequences, SEQUENCES_KIND } from './format.ts';

async function readBytes(file: string): Promise<Uint8Array> {
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new EmoteBotError('not-found', `${file} is not a file`);
    return await readFile(file);
  } catch (e) {
    if (e instanceof EmoteBotError) throw e;
    throw new EmoteBotError('not-found', `cannot open ${file}: no such file`);
  }
}

/** Reads a face dataset (.ebds). Refuses another version, a truncated or a foreign file with one clear line. */
export async function readDataset(file: string): Promise<FaceDataset> {
  return decodeDataset(await readBytes(file), file);
}

/** Reads a sequences file (.ebseq). */
export async function readSequences(file: string): Promise<Sequences> {
  return decodeSequences(await readBytes(file), file);
}

/** Reads either kind, whichever the file holds. */
export async function readDataFile(file: string): Promise<{ kind: 'faces'; data: FaceDataset; bytes: number } | { kind: 'sequences'; data: Sequences; bytes: number }> {
  const bytes = await readBytes(file);
  let kind: string;
  try {
    decodeContainer(bytes, file, { kind: DATASET_KIND, version: DATA_VERSION });
    kind = DATASET_KIND;
  } catch (e) {
    if (!(e instanceof Error && 'kind' in e && e.kind === 'wrong-kind')) throw e;
    kind = SEQUENCES_KIND;
  }
  return kind === DATASET_KIND
    ? { kind: 'faces', data: decodeDataset(bytes, file), bytes: bytes.byteLength }
    : { kind: 'sequences', data: decodeSequences(bytes, file), bytes: bytes.byteLength };
}

/** Writes a file through a temporary file in the same folder and a rename. */
export async function writeFileAtomic(file: string, bytes: Uint8Array | string): Promise<void> {
  const final = path.resolve(file);
  await mkdir(path.dirname(final), { recursive: true });
  const temp = path.join(path.dirname(final), `.${path.basename(final)}.${process.pid}-${randomBytes(4).toString('hex')}.partial`);
  try {
    await writeFile(temp, bytes);
    await rename(temp, final);
  } catch (e) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new EmoteBotError('export-failed', `cannot write ${final}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
