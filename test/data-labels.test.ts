/** Label names of datasets in the wild onto EmoteBot's vocabulary; splits; CSV; identities. */
import { describe, expect, it } from 'vitest';
import { assignSplit, csvEntries, identityFromFileName, labelFromPath, mapLabel, parseCsv, parseLabelMap, splitFromName } from '../src/data/labels.ts';

describe('label mapping', () => {
  it('maps the spellings of FER2013, muxspace and others onto the vocabulary', () => {
    const table: [string, string][] = [
      ['happy', 'happy'], ['happiness', 'happy'], ['Happiness', 'happy'], [' HAPPY ', 'happy'],
      ['angry', 'angry'], ['anger', 'angry'],
      ['sad', 'sad'], ['sadness', 'sad'],
      ['surprise', 'surprised'], ['surprised', 'surprised'],
      ['fear', 'fearful'], ['fearful', 'fearful'],
      ['disgust', 'disgusted'], ['disgusted', 'disgusted'],
      ['contempt', 'contempt'], ['neutral', 'neutral'],
    ];
    for (const [raw, want] of table) expect(mapLabel(raw), raw).toBe(want);
  });

  it('reports unknown labels (undefined), including AffectNet-style "None"', () => {
    for (const raw of ['uncertain', 'non-face', 'none', '3', '']) expect(mapLabel(raw), raw).toBeUndefined();
  });

  it('a --map overrides the built-in names, can skip a label, and is checked', () => {
    const m = parseLabelMap(['0=angry,1=disgust', 'joyful=happy', 'happy=skip']);
    expect(mapLabel('0', m)).toBe('angry');
    expect(mapLabel('1', m)).toBe('disgusted');
    expect(mapLabel('Joyful', m)).toBe('happy');
    expect(mapLabel('happy', m)).toBe('skip');
    expect(mapLabel('sad', m)).toBe('sad');
    expect(() => parseLabelMap(['x=bored'])).toThrow(/not an emotion/);
    expect(() => parseLabelMap(['justaname'])).toThrow(/name=emotion/);
  });
});

describe('splits and paths', () => {
  it('recognises split folder names', () => {
    expect(splitFromName('train')).toBe('train');
    expect(splitFromName('Training')).toBe('train');
    expect(splitFromName('val')).toBe('val');
    expect(splitFromName('validation')).toBe('val');
    expect(splitFromName('PublicTest')).toBe('val');
    expect(splitFromName('test')).toBe('test');
    expect(splitFromName('happy')).toBeUndefined();
  });

  it('takes the label from the parent folder and the split from an ancestor', () => {
    expect(labelFromPath('train/happy/a.jpg')).toEqual({ label: 'happy', split: 'train' });
    expect(labelFromPath('happiness/Al_Gore_0002.jpg')).toEqual({ label: 'happiness', split: undefined });
    expect(labelFromPath('val/extra/sad/x.png')).toEqual({ label: 'sad', split: 'val' });
    expect(labelFromPath('loose.jpg')).toEqual({ label: undefined, split: undefined });
  });

  it('derives a person from a file name, not from generic numbered names', () => {
    expect(identityFromFileName('anger/Al_Gore_0002.jpg')).toBe('Al_Gore');
    expect(identityFromFileName('Avinash_28.jpg')).toBe('Avinash');
    expect(identityFromFileName('12345.jpg')).toBeUndefined();
  });

  it('assigns val deterministically to about the requested share, by key', () => {
    let val = 0;
    for (let i = 0; i < 10000; i++) if (assignSplit(`person-${i}`, 0.1) === 'val') val++;
    expect(val / 10000).toBeGreaterThan(0.09);
    expect(val / 10000).toBeLessThan(0.11);
    expect(assignSplit('Al_Gore', 0.1)).toBe(assignSplit('Al_Gore', 0.1));
    expect(assignSplit('anyone', 0)).toBe('train');
  });
});

describe('CSV of path,label', () => {
  it('parses quoted fields, CRLF and a byte-order mark', () => {
    expect(parseCsv('\ufeffa,"b, c","d ""e"""\r\n1,2,3\n')).toEqual([['a', 'b, c', 'd "e"'], ['1', '2', '3']]);
  });

  it('reads rows by position or by a header, and reports rows without path or label', () => {
    const plain = csvEntries('img/1.jpg,happy\nimg/2.jpg,sad,val\n,angry\n');
    expect(plain.entries.map((e) => [e.path, e.label, e.split])).toEqual([['img/1.jpg', 'happy', undefined], ['img/2.jpg', 'sad', 'val']]);
    expect(plain.bad).toEqual([3]);
    const headed = csvEntries('emotion,Usage,file\nanger,Training,a.png\nfear,PrivateTest,b.png\n');
    expect(headed.entries.map((e) => [e.path, e.label, e.split])).toEqual([['a.png', 'anger', 'train'], ['b.png', 'fear', 'test']]);
  });
});
