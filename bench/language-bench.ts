/**
 * Trigger-language speed: mean parse time per chat-length sentence (and two other input shapes).
 * Run standalone with `npx tsx bench/language-bench.ts`, or import benchLanguage() from the main bench.
 */
import { parseTrigger } from '../src/language/index.ts';

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  target: string;
}

const SENTENCES: readonly string[] = [
  'I just won the lottery!',
  'My dog died yesterday and I miss him so much.',
  'How dare you talk to me like that!',
  'Ugh, this smells terrible, who left the milk out?',
  "I'm not scared at all, honestly I'm a bit excited",
  'very happy for 2 seconds then slightly sad',
  'Oh my god, you are here! What a lovely surprise 😀',
  'whatever, who cares about your little speech 🙄',
  'surprised for 2 seconds then laugh',
  "I can't believe she said yes, I'm over the moon!!!",
];

function meanMicros(inputs: readonly string[], iterations: number): number {
  for (let i = 0; i < 200; i++) parseTrigger(inputs[i % inputs.length] ?? '');
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) parseTrigger(inputs[i % inputs.length] ?? '');
  return ((performance.now() - t0) * 1000) / iterations;
}

export async function benchLanguage(): Promise<BenchFigure[]> {
  const sentence = meanMicros(SENTENCES, 20_000);
  // Words never seen before: exercises lookup, inflection and spelling suggestions without the memo.
  const novel: string[] = [];
  for (let i = 0; i < 2000; i++) novel.push(`I feel kinda zorblat${i.toString(36)} and qwix${(i * 7919).toString(36)} today`);
  const unseen = meanMicros(novel, 2000);
  const long = meanMicros([SENTENCES.join(' ').repeat(4).slice(0, 2000)], 500);
  const round = (x: number): number => Math.round(x * 10) / 10;
  return [
    { name: 'language parse, chat sentence (mean)', value: round(sentence), unit: 'µs', target: '< 500 µs' },
    { name: 'language parse, sentence with unseen words (mean)', value: round(unseen), unit: 'µs', target: '< 2000 µs' },
    { name: 'language parse, 2000-char input (mean)', value: round(long), unit: 'µs', target: '< 10000 µs' },
  ];
}

const entry = typeof process !== 'undefined' ? process.argv[1] ?? '' : '';
if (/language-bench\.[cm]?[jt]s$/.test(entry)) {
  for (const f of await benchLanguage()) console.log(`${f.name.padEnd(52)} ${String(f.value).padStart(9)} ${f.unit}  (target ${f.target})`);
}
