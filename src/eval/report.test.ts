import { describe, expect, it } from 'vitest';
import { checkReport, type EvalReport, renderMarkdown } from './report.ts';
import { smallReport } from './test-report.ts';

describe('report schema', () => {
  it('accepts a well-formed report and survives a JSON round trip', () => {
    const r = smallReport();
    expect(checkReport(r)).toEqual([]);
    expect(checkReport(JSON.parse(JSON.stringify(r)))).toEqual([]);
  });

  it('names what is wrong: missing keys, bad values, rows out of order, cells pointing nowhere', () => {
    const cases: [string, (r: EvalReport) => void, RegExp][] = [
      ['schema', (r) => { (r as { schema: string }).schema = 'other/1'; }, /report\.schema/],
      ['missing real', (r) => { delete (r as Partial<EvalReport>).real; }, /report\.real: missing/],
      ['share above 1', (r) => { r.models[0]!.rows[1]!.accuracy = 1.5; }, /rows\[1\]\.accuracy/],
      ['NaN', (r) => { r.animation[0]!.blinkRateRest = Number.NaN; }, /blinkRateRest/],
      ['rows', (r) => { r.models[0]!.rows.pop(); }, /expected 8 entries/],
      ['order', (r) => { r.models[0]!.rows.reverse(); }, /expected neutral/],
      ['unknown model', (r) => { r.cells[0]!.model = 'gan'; }, /not in report\.models/],
      ['unknown face', (r) => { r.cells[0]!.face = 'b'; }, /not in report\.faces/],
      ['label without face', (r) => { r.cells[0]!.detected = false; }, /top label exactly when/],
      ['bad label', (r) => { (r.cells[0] as { top: string }).top = 'contempt'; }, /cells\[0\]\.top/],
      ['counts', (r) => { r.models[0]!.rows[0]!.correct = 5; }, /correct <= detected <= n/],
      ['mean crops file', (r) => { (r.files as Record<string, unknown>).meanCrops = 3; }, /files\.meanCrops/],
    ];
    for (const [name, mutate, expected] of cases) {
      const r = smallReport();
      mutate(r);
      const problems = checkReport(r);
      expect(problems.join('\n'), name).toMatch(expected);
    }
    expect(checkReport(null)).toEqual(['report: expected an object']);
  });

  it('renders Markdown with every section and no NaN', () => {
    const md = renderMarkdown(smallReport());
    for (const h of ['## 1. The bar', '## 2. Rendered faces', '### Identity', '## 3. Animation', '## 4. Targets']) expect(md).toContain(h);
    expect(md).not.toMatch(/NaN|undefined/);
    expect(md).toContain('| contempt | no judge label |');
    expect(md).not.toContain('Mean crops');
  });

  it('names the mean-crops picture and says how to read it when there is one (dev judge)', () => {
    const r = smallReport();
    r.files.meanCrops = 'out/mean-crops.png';
    expect(checkReport(r)).toEqual([]);
    expect(renderMarkdown(r)).toMatch(/Mean crops: out\/mean-crops\.png \(.*mid grey = no change/);
  });
});
