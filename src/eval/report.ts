/**
 * The evaluation report: its JSON shape (schema "emotebot-eval/1"), a checker for it, and the
 * Markdown summary. Pure: no I/O.
 */
import { EMOTIONS, type Emotion } from '../core/emotions.ts';
import type { AnimationFigures } from './animation.ts';
import { JUDGE_LABELS, type JudgeLabel } from './judge.ts';
import { type IdentityStats, sameShareText } from './metrics.ts';

export const REPORT_SCHEMA = 'emotebot-eval/1';

export interface RateFigures {
  n: number;
  detected: number;
  correct: number;
  detectionShare: number | null;
  accuracy: number | null;
  accuracyAll: number | null;
}

export interface RealRow extends RateFigures {
  emotion: Emotion;
  judgeLabel: JudgeLabel | null;
  /** What the judge said (label or "none") -> count. */
  confusion: Record<string, number>;
  bySource: Record<string, RateFigures>;
}

export interface RealSection {
  status: 'measured' | 'skipped';
  dataDir: string | null;
  perEmotion: number;
  sources: { name: string; dir: string; labels: { label: string; emotion: Emotion | null; files: number; drawn: number }[] }[];
  rows: RealRow[];
  /** Over the emotions the judge has a label for. */
  overall: RateFigures & { meanAccuracy: number | null };
  notes: string[];
}

export interface FaceEntry {
  id: string;
  kind: 'photo' | 'character';
  file: string | null;
  /** What the judge sees on the face as it came in. */
  source: { detected: boolean; top: JudgeLabel | null; topProbability: number; score: number };
  notes: string[];
}

export interface Cell {
  face: string;
  model: string;
  emotion: Emotion;
  judgeLabel: JudgeLabel | null;
  detected: boolean;
  top: JudgeLabel | null;
  topProbability: number;
  /** The judge's probability for the emotion asked for (null: no label or no face). */
  targetProbability: number | null;
  /** Top label = emotion asked for (null: the judge has no label for it). */
  correct: boolean | null;
  /** Descriptor distance to the face as it came in (null: a face missing, or not a photo). */
  identityDistance: number | null;
  expressions: Record<JudgeLabel, number>;
}

export interface ModelRow extends RateFigures {
  emotion: Emotion;
  judgeLabel: JudgeLabel | null;
  /** The bar: the judge's accuracy on real photos of this emotion (null when not measured). */
  realAccuracy: number | null;
  meanTargetProbability: number | null;
  identity: IdentityStats;
  confusion: Record<string, number>;
}

export interface ModelSection {
  name: string;
  description: string;
  rows: ModelRow[];
  /**
   * All judge-labelled emotions; `expressive` leaves neutral out; `stillDetected` counts every
   * render (all emotions) of the faces the judge finds on the face as it came in.
   */
  overall: RateFigures & { expressive: RateFigures; stillDetected: RateFigures; identity: IdentityStats };
}

export interface TargetCheck {
  what: string;
  target: string;
  value: string;
  /** null: no target set, reported only. */
  met: boolean | null;
}

export interface EvalReport {
  schema: typeof REPORT_SCHEMA;
  createdAt: string;
  settings: {
    faces: string[];
    models: string[];
    size: number;
    intensity: number;
    seed: number;
    perEmotion: number;
    realDir: string | null;
    animationRuns: number;
    /** Candidate model folders evaluated instead of the shipped ones, when any. */
    modelDirs?: { expressions?: string; detail?: string; mouth?: string };
    /** The emotions rendered, when not all of them (eval --emotions). */
    emotions?: Emotion[];
  };
  judge: { name: string; versions: Record<string, string>; preprocessing: string; labels: JudgeLabel[]; notes: string[] };
  real: RealSection;
  faces: FaceEntry[];
  models: ModelSection[];
  cells: Cell[];
  animation: AnimationFigures[];
  targets: TargetCheck[];
  /** meanCrops: the dev judge's mean-crops picture (only with the dev judge). */
  files: { summary: string; json: string; contactSheet: string; meanCrops?: string };
  notes: string[];
}

// ---------------------------------------------------------------------------------------------
// Checking the shape.

type Check = (v: unknown, at: string, errors: string[]) => void;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (lo = -Infinity, hi = Infinity): Check => (v, at, e) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) e.push(`${at}: expected a number in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
};
const nullable = (c: Check): Check => (v, at, e) => { if (v !== null) c(v, at, e); };
const str: Check = (v, at, e) => { if (typeof v !== 'string') e.push(`${at}: expected a string`); };
const bool: Check = (v, at, e) => { if (typeof v !== 'boolean') e.push(`${at}: expected a boolean`); };
const oneOf = (values: readonly (string | null)[]): Check => (v, at, e) => {
  if (!values.includes(v as string | null)) e.push(`${at}: expected one of ${values.join(', ')}, got ${JSON.stringify(v)}`);
};
const arr = (c: Check, length?: number): Check => (v, at, e) => {
  if (!Array.isArray(v)) { e.push(`${at}: expected an array`); return; }
  if (length !== undefined && v.length !== length) e.push(`${at}: expected ${length} entries, got ${v.length}`);
  v.forEach((x, i) => c(x, `${at}[${i}]`, e));
};
const obj = (shape: Record<string, Check>): Check => (v, at, e) => {
  if (!isObj(v)) { e.push(`${at}: expected an object`); return; }
  for (const [k, c] of Object.entries(shape)) {
    if (!(k in v)) e.push(`${at}.${k}: missing`);
    else c(v[k], `${at}.${k}`, e);
  }
};
const record = (c: Check): Check => (v, at, e) => {
  if (!isObj(v)) { e.push(`${at}: expected an object`); return; }
  for (const [k, x] of Object.entries(v)) c(x, `${at}.${k}`, e);
};
const any: Check = () => {};

const share = nullable(num(0, 1));
const count = num(0);
const rateShape = { n: count, detected: count, correct: count, detectionShare: share, accuracy: share, accuracyAll: share };
const rateFigures = obj(rateShape);
const emotion = oneOf(EMOTIONS);
const judgeLabel = oneOf([...JUDGE_LABELS, null]);
const identity = obj({ n: count, mean: nullable(num(0)), p90: nullable(num(0)), max: nullable(num(0)), shareSame: share });
const probabilities = obj(Object.fromEntries(JUDGE_LABELS.map((l) => [l, num(0, 1)])));

const motionFigures = {
  motion: str, blinkRateRest: num(0), blinkRateAll: num(0), blinkCount: count,
  blinkDuration: obj({ mean: nullable(num(0)), min: nullable(num(0)), p10: nullable(num(0)), p90: nullable(num(0)), max: nullable(num(0)) }),
  onsets: arr(obj({ emotion, onset: arr(num(0)), release: arr(num(0)), onsetMean: nullable(num(0)), releaseMean: nullable(num(0)) })),
  rest: obj({ step: num(0), jitter: num(0), frames: count, stepPercentIod: num(0), jitterPercentIod: num(0) }),
};

const reportShape = obj({
  schema: oneOf([REPORT_SCHEMA]),
  createdAt: str,
  settings: obj({ faces: arr(str), models: arr(str), size: num(1), intensity: num(0, 1), seed: num(), perEmotion: count, realDir: nullable(str), animationRuns: count }),
  judge: obj({ name: str, versions: record(str), preprocessing: str, labels: arr(oneOf(JUDGE_LABELS), JUDGE_LABELS.length), notes: arr(str) }),
  real: obj({
    status: oneOf(['measured', 'skipped']), dataDir: nullable(str), perEmotion: count, sources: arr(any),
    rows: arr(obj({ ...rateShape, emotion, judgeLabel, confusion: record(count), bySource: record(rateFigures) }), EMOTIONS.length),
    overall: obj({ ...rateShape, meanAccuracy: share }), notes: arr(str),
  }),
  faces: arr(obj({ id: str, kind: oneOf(['photo', 'character']), file: nullable(str), source: obj({ detected: bool, top: judgeLabel, topProbability: num(0, 1), score: num(0, 1) }), notes: arr(str) })),
  models: arr(obj({
    name: str, description: str,
    rows: arr(obj({ ...rateShape, emotion, judgeLabel, realAccuracy: share, meanTargetProbability: share, identity, confusion: record(count) }), EMOTIONS.length),
    overall: obj({ ...rateShape, expressive: rateFigures, stillDetected: rateFigures, identity }),
  })),
  cells: arr(obj({
    face: str, model: str, emotion, judgeLabel, detected: bool, top: judgeLabel, topProbability: num(0, 1),
    targetProbability: share, correct: nullable(bool), identityDistance: nullable(num(0)), expressions: probabilities,
  })),
  animation: arr(obj({ model: str, script: any, ...motionFigures, motions: arr(obj({ name: str, ...motionFigures })), notes: arr(str) })),
  targets: arr(obj({ what: str, target: str, value: str, met: nullable(bool) })),
  files: obj({ summary: str, json: str, contactSheet: str }),
  notes: arr(str),
});

/** Problems with a parsed report (empty when it has the expected shape). */
export function checkReport(value: unknown): string[] {
  const errors: string[] = [];
  reportShape(value, 'report', errors);
  if (errors.length === 0) {
    const r = value as EvalReport;
    const names = new Set(r.models.map((m) => m.name));
    const faces = new Set(r.faces.map((f) => f.id));
    if ('meanCrops' in r.files && typeof r.files.meanCrops !== 'string') errors.push('report.files.meanCrops: expected a string');
    r.cells.forEach((c, i) => {
      if (!names.has(c.model)) errors.push(`report.cells[${i}].model: "${c.model}" is not in report.models`);
      if (!faces.has(c.face)) errors.push(`report.cells[${i}].face: "${c.face}" is not in report.faces`);
      if (c.detected !== (c.top !== null)) errors.push(`report.cells[${i}]: a top label exactly when a face was detected`);
    });
    for (const m of r.models) m.rows.forEach((row, i) => {
      if (row.emotion !== EMOTIONS[i]) errors.push(`report.models[${m.name}].rows[${i}]: expected ${EMOTIONS[i]}`);
      if (row.correct > row.detected || row.detected > row.n) errors.push(`report.models[${m.name}].rows[${i}]: correct <= detected <= n`);
    });
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Markdown.

const pct = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${(v * 100).toFixed(0)}%`);
const fix = (v: number | null | undefined, d = 2) => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(d));
const frac = (a: number, b: number) => `${a}/${b}`;
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const rule = (n: number) => `|${' --- |'.repeat(n)}`;

export function renderMarkdown(r: EvalReport): string {
  const out: string[] = [];
  const p = (...l: string[]) => out.push(...l);
  p('# EmoteBot evaluation', '');
  p(`${r.createdAt}. Faces: ${r.faces.map((f) => f.id).join(', ')}. Models: ${r.models.map((m) => m.name).join(', ')}. ` +
    `Size ${r.settings.size} px, intensity ${r.settings.intensity}, seed ${r.settings.seed}.`, '');
  const dirs = Object.entries(r.settings.modelDirs ?? {});
  if (dirs.length) p(`Candidate models instead of the shipped ones: ${dirs.map(([k, v]) => `${k} from ${v}`).join(', ')}.`, '');
  if (r.settings.emotions) p(`Rendered only ${r.settings.emotions.join(', ')} (--emotions): the other emotions' rows are empty, and every overall figure covers only these.`, '');
  const dev = r.judge.name === 'dev';
  p(`Judge: ${r.judge.name} (${Object.entries(r.judge.versions).map(([k, v]) => `${k} ${v}`).join(', ')}), ${dev ? 'EmoteBot\'s own dev classifier, trained on the datasets\' fit part' : 'pretrained and never tuned here'}. ` +
    `Preprocessing, fixed for every image: ${r.judge.preprocessing}.`, '');
  for (const n of r.judge.notes) p(`- ${n}`);
  p('');

  p('## 1. The bar: the judge on real photos', '');
  if (r.real.status === 'skipped') {
    p(`Not measured: ${r.real.notes.join('; ')}.`, '');
  } else {
    const srcNames = r.real.sources.map((s) => s.name);
    p(`A seeded sample of up to ${r.real.perEmotion} photos per emotion from each set in ${r.real.dataDir}${dev ? ' (the dev part the classifier was chosen on, never its fit part)' : ''}. ` +
      'Accuracy is among photos where the judge found a face; "all" counts a miss as wrong.', '');
    p(row(['emotion', 'judge label', 'photos', 'face found', 'accuracy', 'accuracy (all)', ...srcNames.map((s) => `${s} accuracy`)]), rule(6 + srcNames.length));
    for (const x of r.real.rows) {
      p(row([x.emotion, x.judgeLabel ?? 'none (left out)', x.n, pct(x.detectionShare), pct(x.accuracy), pct(x.accuracyAll),
        ...srcNames.map((s) => { const b = x.bySource[s]; return b ? `${pct(b.accuracy)} (${frac(b.correct, b.detected)})` : 'n/a'; })]));
    }
    const o = r.real.overall;
    p(row(['**overall**', '', o.n, pct(o.detectionShare), pct(o.accuracy), pct(o.accuracyAll), ...srcNames.map(() => '')]), '');
    p(`Mean of the per-emotion accuracies (the judge's labelled emotions): ${pct(o.meanAccuracy)}.`, '');
    for (const n of r.real.notes) p(`- ${n}`);
    p('');
    p('What the judge said on real photos (rows: true emotion; columns: judge label):', '');
    const cols = [...JUDGE_LABELS, 'none'];
    p(row(['true \\ judged', ...cols]), rule(cols.length + 1));
    for (const x of r.real.rows) p(row([x.emotion, ...cols.map((c) => x.confusion[c] ?? 0)]));
    p('');
  }

  p('## 2. Rendered faces', '');
  p('Each face rendered at each emotion\'s apex by each model; the judge looks at every render with the same preprocessing. ' +
    '"source" is the no-change baseline (the face as it came in, whatever the emotion). Accuracy is among renders with a face found; ' +
    'the bar is the judge\'s accuracy on real photos of that emotion.', '');
  const models = r.models;
  p(row(['emotion', 'bar (real photos)', ...models.flatMap((m) => [`${m.name} accuracy`, `${m.name} p(target)`, `${m.name} face found`])]), rule(2 + models.length * 3));
  for (let i = 0; i < EMOTIONS.length; i++) {
    const e = EMOTIONS[i]!;
    const bar = models[0]?.rows[i]?.realAccuracy ?? null;
    p(row([e, models[0]?.rows[i]?.judgeLabel === null ? 'no judge label' : pct(bar), ...models.flatMap((m) => {
      const x = m.rows[i]!;
      return x.judgeLabel === null ? ['n/a', 'n/a', pct(x.detectionShare)] : [`${pct(x.accuracy)} (${frac(x.correct, x.detected)})`, fix(x.meanTargetProbability), pct(x.detectionShare)];
    })]));
  }
  p(row(['**all judged emotions**', pct(r.real.overall.meanAccuracy), ...models.flatMap((m) => [`${pct(m.overall.accuracy)} (${frac(m.overall.correct, m.overall.detected)})`, '', pct(m.overall.detectionShare)])]));
  p(row(['**expressive (no neutral)**', '', ...models.flatMap((m) => [`${pct(m.overall.expressive.accuracy)} (${frac(m.overall.expressive.correct, m.overall.expressive.detected)})`, '', pct(m.overall.expressive.detectionShare)])]), '');
  p('Face still found, over every render (all eight emotions) of the faces the judge finds as they came in: ' +
    models.map((m) => `${m.name} ${pct(m.overall.stillDetected.detectionShare)} (${frac(m.overall.stillDetected.detected, m.overall.stillDetected.n)})`).join(', ') + '.', '');

  p('### Identity (photos only): face-descriptor distance between the face as it came in and the render', '');
  const measured = models.some((m) => m.overall.identity.n > 0);
  if (dev && !measured) p('Not measured: the dev judge\'s detector gave no face descriptor.', '');
  else {
    // The dev judge's descriptor is Human's, on its own scale: 0.6 means nothing there.
    if (dev) p('Human\'s face-description embedding (faceres), Euclidean distance: a dev figure on Human\'s scale, for comparing models with each other (the judge\'s 0.35 and 0.6 do not apply).', '');
    p(row(['model', 'renders', 'mean', '90th percentile', 'max', ...(dev ? [] : ['renders under 0.6'])]), rule(dev ? 5 : 6));
    for (const m of models) {
      const id = m.overall.identity;
      p(row([m.name, id.n, fix(id.mean), fix(id.p90), fix(id.max), ...(dev ? [] : [sameShareText(id)])]));
    }
    p('');
    p(row(['emotion', ...models.map((m) => `${m.name} mean (p90)`)]), rule(1 + models.length));
    for (let i = 0; i < EMOTIONS.length; i++) p(row([EMOTIONS[i]!, ...models.map((m) => `${fix(m.rows[i]!.identity.mean)} (${fix(m.rows[i]!.identity.p90)})`)]));
    p('');
  }

  p('### Per face', '');
  p(row(['face', 'kind', 'judge on the source', ...models.map((m) => `${m.name}: judged labels by emotion`)]), rule(3 + models.length));
  for (const f of r.faces) {
    const src = f.source.detected ? `${f.source.top} ${fix(f.source.topProbability)}` : 'no face';
    p(row([f.id, f.kind, src, ...models.map((m) => EMOTIONS.map((e) => {
      const c = r.cells.find((x) => x.face === f.id && x.model === m.name && x.emotion === e);
      if (!c) return `${e}: -`;
      return `${e}: ${c.detected ? `${c.top}${c.correct ? ' ✓' : ''}` : 'no face'}`;
    }).join('; '))]));
  }
  p('');
  for (const f of r.faces) for (const n of f.notes) p(`- ${f.id}: ${n}`);
  if (r.faces.some((f) => f.notes.length)) p('');

  p('## 3. Animation', '');
  for (const a of r.animation) {
    const ms = a.motions;
    p(`Expression model "${a.model}", motion runtimes side by side: ${ms.map((m) => `**${m.name}**, ${m.motion}`).join('; ')}. Script: ${a.script.rest} s at rest, then ${a.script.emotions.join(', ')} in turn ` +
      `(held ${a.script.hold} s, ${a.script.gap} s to the next), idle ${a.script.idle}, ${a.script.seeds.length} seeded runs; timing sampled at ${a.script.sampleFps} fps, motion at ${a.script.frameFps} fps.`, '');
    const ms0 = (x: number | null) => fix((x ?? NaN) * 1000, 0);
    const mean = (xs: (number | null)[]) => { const v = xs.filter((x): x is number => x !== null); return v.length ? v.reduce((s, x) => s + x, 0) / v.length : null; };
    p(row(['figure', ...ms.map((m) => m.name)]), rule(1 + ms.length));
    p(row(['blinks per minute at rest', ...ms.map((m) => fix(m.blinkRateRest, 1))]));
    p(row(['blinks per minute, whole runs', ...ms.map((m) => fix(m.blinkRateAll, 1))]));
    p(row(['blink duration mean (min, p10-p90, max), ms', ...ms.map((m) => `${ms0(m.blinkDuration.mean)} (${ms0(m.blinkDuration.min)}, ${ms0(m.blinkDuration.p10)}-${ms0(m.blinkDuration.p90)}, ${ms0(m.blinkDuration.max)})`)]));
    p(row(['onset 10-90%, ms (mean over emotions)', ...ms.map((m) => ms0(mean(m.onsets.map((o) => o.onsetMean))))]));
    p(row(['release 90-10%, ms (mean over emotions)', ...ms.map((m) => ms0(mean(m.onsets.map((o) => o.releaseMean))))]));
    p(row(['motion at rest per frame, mm (% inter-ocular)', ...ms.map((m) => `${fix(m.rest.step, 3)} (${fix(m.rest.stepPercentIod, 3)}%)`)]));
    p(row(['jitter at rest (RMS 2nd difference), mm (% inter-ocular)', ...ms.map((m) => `${fix(m.rest.jitter, 4)} (${fix(m.rest.jitterPercentIod, 4)}%)`)]), '');
    p(row(['emotion', ...ms.flatMap((m) => [`${m.name} onset 10-90%, ms`, `${m.name} release 90-10%, ms`])]), rule(1 + 2 * ms.length));
    a.onsets.forEach((o, i) => p(row([o.emotion, ...ms.flatMap((m) => [ms0(m.onsets[i]?.onsetMean ?? null), ms0(m.onsets[i]?.releaseMean ?? null)])])));
    p('');
    for (const n of a.notes) p(`- ${n}`);
    p('');
  }

  p('## 4. Targets', '');
  p(row(['what', 'target', 'value', 'met']), rule(4));
  for (const t of r.targets) p(row([t.what, t.target, t.value, t.met === null ? 'reported' : t.met ? 'yes' : '**no**']));
  p('');
  p(`Contact sheet: ${r.files.contactSheet} (rows: face and model; columns: emotions; each cell labelled with the judge's top label and its probability, ` +
    'green when it is the emotion asked for, red when not, orange when no face was found, grey where the judge has no label).', '');
  if (r.files.meanCrops) {
    p(`Mean crops: ${r.files.meanCrops} (the dev judge's normalised luminance face crop, the one it classifies, averaged per emotion; rows: the real dev photos, each model's renders, ` +
      'then each model minus the real photos; first column the mean neutral crop, then each emotion\'s mean minus the row\'s neutral, mid grey = no change, ' +
      'darker = darker than neutral: a dark patch in a "model - real" row is something the renders darken, such as an open mouth, that real faces of that emotion do not).', '');
  }
  if (r.notes.length) {
    p('## Notes', '');
    for (const n of r.notes) p(`- ${n}`);
    p('');
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}
