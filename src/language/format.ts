/**
 * The human-readable timeline table printed by `emotebot parse`. Pure: no I/O.
 */
import { EMOTIONS } from '../core/emotions.ts';
import type { ParseResult, TargetSegment } from './types.ts';

function emotionsCell(seg: TargetSegment): string {
  const parts = EMOTIONS.filter((e) => e !== 'neutral' && (seg.weights[e] ?? 0) > 0)
    .map((e) => [e, seg.weights[e] ?? 0] as const)
    .sort((a, b) => b[1] - a[1])
    .map(([e, v]) => `${e} ${v.toFixed(2)}`);
  return parts.length > 0 ? parts.join(', ') : 'neutral';
}

function secs(x: number | null): string {
  return x === null ? 'hold' : `${x.toFixed(2)}s`;
}

export function formatTimeline(result: ParseResult): string {
  const header = ['#', 'start', 'duration', 'intensity', 'emotions', 'words'];
  const rows = result.timeline.map((seg, i) => [
    String(i + 1),
    secs(seg.start),
    secs(seg.duration),
    seg.intensity.toFixed(2),
    emotionsCell(seg),
    seg.words.length > 0 ? seg.words.join(' ') : '-',
  ]);
  const table = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...table.map((r) => (r[c] ?? '').length)));
  const lines = table.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] ?? 0))).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  if (!result.ok) lines.push('', 'Nothing understood: neutral face.');
  for (const m of result.messages) lines.push(`note: ${m}`);
  return lines.join('\n');
}
