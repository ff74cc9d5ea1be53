import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { defaultExcludedPeople, imagesInFolder, peopleInFolder } from './dev-data.ts';
import { borderedJpeg, EXCLUDED_PEOPLE_LISTS, faceListText, JUDGE_FACES, namesInList, parseFaceList, readFaceList } from './face-list.ts';
import { expandFaces } from './run.ts';

const mona = path.resolve(import.meta.dirname, '../../test/fixtures/mona-lisa.jpg');

/** A data folder holding the Mona Lisa as muxspace/neutral/Mona_Lisa_0001.jpg, and a list naming it. */
function fixture(listText: string): { data: string; list: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'facelist-'));
  const data = path.join(dir, 'data');
  mkdirSync(path.join(data, 'muxspace', 'neutral'), { recursive: true });
  copyFileSync(mona, path.join(data, 'muxspace', 'neutral', 'Mona_Lisa_0001.jpg'));
  const list = path.join(dir, 'faces.txt');
  writeFileSync(list, listText);
  return { data, list };
}

describe('face lists', () => {
  it('read one path per line, skipping comments and blank lines (CRLF too)', () => {
    expect(parseFaceList('# set 1\r\nmuxspace/neutral/A_B_0001.jpg  # first\r\n\r\n  fer2013/val/x.jpg\n#done\n')).toEqual(['muxspace/neutral/A_B_0001.jpg', 'fer2013/val/x.jpg']);
    expect(parseFaceList('\n# nothing\n')).toEqual([]);
  });

  it('name photos under the data folder; the text written for a set reads back as the same files', async () => {
    const { data, list } = fixture('muxspace/neutral/Mona_Lisa_0001.jpg\n');
    const file = path.join(data, 'muxspace', 'neutral', 'Mona_Lisa_0001.jpg');
    expect(await readFaceList(list, data)).toEqual([file]);
    const text = faceListText([file], data, ['one face']);
    expect(text).toBe('# one face\nmuxspace/neutral/Mona_Lisa_0001.jpg\n');
    writeFileSync(list, text);
    expect(await readFaceList(list, data)).toEqual([file]);
    // As --faces: every listed photo is marked to be bordered; a plain file is not.
    expect(await expandFaces([list, mona], data)).toEqual([{ file, bordered: true }, { file: mona, bordered: false }]);
    // Who it names, for the lists that say whom to leave out.
    expect(await imagesInFolder(list)).toEqual(['Mona_Lisa_0001.jpg']);
    expect([...(await peopleInFolder(list))]).toEqual(['Mona_Lisa']);
  });

  it('refuse a missing photo, an empty list and a missing list, each with one clear line', async () => {
    const { data, list } = fixture('muxspace/neutral/Mona_Lisa_0001.jpg\nmuxspace/neutral/Nobody_0001.jpg\n');
    await expect(readFaceList(list, data)).rejects.toThrow(/1 of its 2 photos not found under .*data \(first: .*Nobody_0001\.jpg\); give the data folder with --real/);
    writeFileSync(list, '# only a comment\n');
    await expect(readFaceList(list, data)).rejects.toThrow(/names no photo/);
    await expect(readFaceList(path.join(data, 'none.txt'), data)).rejects.toThrow(/cannot be read/);
    await expect(expandFaces([path.join(data, 'none.txt')], data)).rejects.toThrow(/not found/);
  });

  it('border a photo with mid-grey, half its size on each side', async () => {
    const src = await sharp(mona).metadata();
    const { data, info } = await sharp(await borderedJpeg(mona)).raw().toBuffer({ resolveWithObject: true });
    expect(info.width).toBe(src.width! + 2 * Math.round(src.width! / 2));
    expect(info.height).toBe(src.height! + 2 * Math.round(src.height! / 2));
    for (const i of [0, (info.width * info.height - 1) * info.channels]) expect(Math.abs(data[i]! - 128)).toBeLessThan(3);
  });

  it('in the repository name the judge\'s faces, distinct people, whom the default exclusion leaves out with the earlier ones', async () => {
    const judge = await namesInList(JUDGE_FACES);
    expect(judge.length).toBeGreaterThanOrEqual(30);
    const people = await peopleInFolder(JUDGE_FACES);
    expect(people.size).toBe(judge.length);
    const excluded = await defaultExcludedPeople();
    for (const p of people) expect(excluded.has(p)).toBe(true);
    expect(excluded.has('Venus_Williams')).toBe(true); // a former judge face (train split)
    expect(EXCLUDED_PEOPLE_LISTS).toContain(JUDGE_FACES);
  });
});
