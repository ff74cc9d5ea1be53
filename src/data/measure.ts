/**
 * `emotebot data check-upscale`: the detection rate on a seeded sample of labelled images with and
 * without the upscale-and-border rule (edge: workers and files). Nothing is cached or written.
 */
import { readFile } from 'node:fs/promises';
import { createRng } from '../core/rng.ts';
import { enumerateInputs } from './enumerate.ts';
import { DEFAULT_THRESHOLDS, judge, type RejectReason, REJECT_REASONS, type Thresholds } from './judge.ts';
import { createDetectPool } from './pool.ts';
import { DEFAULT_RULE, type DetectionRule, NO_UPSCALE_RULE } from './preprocess.ts';

export interface RuleMeasurement {
  rule: DetectionRule;
  name: string;
  sample: number;
  /** Images where the detector reported any face. */
  found: number;
  /** Images the rules accept as training faces. */
  accepted: number;
  medianFitError: number;
  msPerImage: number;
  /** Rejected images by reason. */
  rejected: Partial<Record<RejectReason, number>>;
}

export async function measureRules(inputs: string[], sample: number, seed: number, workers: number, thresholds: Thresholds = DEFAULT_THRESHOLDS, log: (l: string) => void = () => undefined): Promise<RuleMeasurement[]> {
  const { entries } = await enumerateInputs(inputs, new Map(), 'none');
  const files = entries.map((e) => e.file);
  const rng = createRng(seed);
  for (let i = files.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [files[i], files[j]] = [files[j]!, files[i]!];
  }
  const chosen = files.slice(0, sample);
  const bytes = await Promise.all(chosen.map((f) => readFile(f)));
  const out: RuleMeasurement[] = [];
  for (const [name, rule] of [['without (image as it is)', NO_UPSCALE_RULE], ['with upscale and border', DEFAULT_RULE]] as const) {
    const pool = await createDetectPool(workers, rule);
    const t0 = performance.now();
    try {
      const results = await Promise.all(bytes.map((b, i) => pool.detect({ kind: 'image', bytes: new Uint8Array(b), name: chosen[i]! })));
      const ms = performance.now() - t0;
      let found = 0, accepted = 0;
      const fit: number[] = [];
      const rejected: Partial<Record<RejectReason, number>> = {};
      for (const d of results) {
        if (d.status === 'ok' && d.faces.length > 0) found++;
        const j = judge(d, thresholds);
        if (j.ok) accepted++;
        else rejected[j.reason] = (rejected[j.reason] ?? 0) + 1;
        if (j.alignment) fit.push(j.alignment.fitError);
      }
      fit.sort((a, b) => a - b);
      const m: RuleMeasurement = { rule, name, sample: chosen.length, found, accepted, medianFitError: fit[Math.floor(fit.length / 2)] ?? NaN, msPerImage: (ms * pool.size) / Math.max(1, chosen.length), rejected };
      out.push(m);
      log(formatMeasurement(m));
    } finally {
      await pool.close();
    }
  }
  return out;
}

export function formatMeasurement(m: RuleMeasurement): string {
  const p = (n: number) => `${((100 * n) / Math.max(1, m.sample)).toFixed(1)}%`;
  const why = REJECT_REASONS.filter((r) => m.rejected[r]).map((r) => `${r} ${m.rejected[r]}`).join(', ');
  return `${m.name.padEnd(26)} face found ${String(m.found).padStart(5)}/${m.sample} (${p(m.found)}), accepted ${String(m.accepted).padStart(5)} (${p(m.accepted)}), median fit error ${m.medianFitError.toFixed(2)} cm, ${m.msPerImage.toFixed(0)} ms per image per worker; rejected: ${why || 'none'}`;
}
