/**
 * `emotebot parse "<text>" [--json]`: pure string in, string out; the CLI prints `output` and
 * exits with `exitCode` (0 when something was understood, 1 when nothing was). Pure: no I/O.
 */
import { formatTimeline, parseTrigger } from './index.ts';

export function runParseCommand(text: string, json: boolean): { output: string; exitCode: number } {
  const result = parseTrigger(text);
  const output = json ? JSON.stringify(result, null, 2) : formatTimeline(result);
  return { output, exitCode: result.ok ? 0 : 1 };
}
