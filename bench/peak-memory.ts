/**
 * Peak memory of what a user runs: `emotebot render` in its own process (bin/emotebot.js as the
 * README runs it), with bench/report-peak-memory.cjs preloaded to report the process's peak
 * resident memory as it exits. The bench process itself loads every model and detector at once,
 * so its own peak says little about a user's machine.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BenchRow } from './page-bench.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');

/** The peak resident memory (MB) of one `emotebot render ...`, or NaN with the reason when it fails. */
export async function renderPeakMemory(args: readonly string[]): Promise<{ mb: number; error?: string }> {
  try {
    const { stderr } = await run(process.execPath, ['-r', path.join(root, 'bench', 'report-peak-memory.cjs'), path.join(root, 'bin', 'emotebot.js'), 'render', ...args], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
    const m = /emotebot-bench-maxrss-kib (\d+)/.exec(stderr);
    return m ? { mb: Number(m[1]) / 1024 } : { mb: Number.NaN, error: 'the command did not report its memory' };
  } catch (e) {
    // The command's own last line on stderr says why (execFile's message only repeats the command).
    const said = typeof (e as { stderr?: unknown }).stderr === 'string' ? (e as { stderr: string }).stderr.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('emotebot-bench-maxrss-kib')).pop() : undefined;
    return { mb: Number.NaN, error: said ?? (e instanceof Error ? e.message.split('\n')[0] : String(e)) };
  }
}

export async function benchPeakMemory(): Promise<BenchRow[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'emotebot-bench-memory-'));
  const rows: BenchRow[] = [];
  try {
    const cases: [string, string[]][] = [
      ['photo, 5 s to MP4 (default models)', ['--face', path.join(root, 'test', 'fixtures', 'mona-lisa.jpg'), '--say', 'happy, then surprised', '--duration', '5', '--out', path.join(dir, 'photo.mp4')]],
      ['character, 5 s to GIF', ['--face', 'bot', '--say', 'happy, then surprised', '--duration', '5', '--out', path.join(dir, 'bot.gif')]],
    ];
    for (const [what, args] of cases) {
      const r = await renderPeakMemory(args);
      rows.push({ name: `peak memory of emotebot render, ${what}`, value: r.mb, unit: 'MB', target: r.error ? `failed: ${r.error}` : '< 1024 MB' });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}
