/**
 * Progress of a long data run on stderr (edge): a bar with counts, the detection rate over the
 * last half minute and the time left on a terminal; a line every 10% (or every minute) otherwise.
 * Images served from the cache count as done but not into the rate.
 */
import { formatDuration } from './timefmt.ts';

export class RateProgress {
  private readonly started = performance.now();
  private readonly samples: { t: number; n: number }[] = [];
  private lastDraw = 0;
  private lastLine = -1;
  private lastLineTime = 0;
  private shown = false;

  constructor(private readonly label: string, private readonly unit: string, private readonly stream: NodeJS.WriteStream = process.stderr, private readonly quiet = false) {}

  /** done: items finished (cached or detected) of total; detected: items that went through the detector. */
  update(done: number, total: number, detected: number): void {
    if (this.quiet) return;
    const now = performance.now();
    this.samples.push({ t: now, n: detected });
    while (this.samples.length > 2 && now - this.samples[0]!.t > 30_000) this.samples.shift();
    const first = this.samples[0]!;
    const rate = now - first.t > 500 ? ((detected - first.n) * 1000) / (now - first.t) : 0;
    const remaining = total - done;
    const eta = rate > 0 ? remaining / rate : NaN;
    const frac = total > 0 ? done / total : 1;
    const pct = Math.floor(frac * 100);
    const rateText = rate > 0 ? `${rate.toFixed(1)} ${this.unit}/s` : `- ${this.unit}/s`;
    const etaText = Number.isFinite(eta) ? `${formatDuration(eta)} left` : '';
    if (this.stream.isTTY) {
      if (now - this.lastDraw < 200 && done < total) return;
      this.lastDraw = now;
      const width = 28, fill = Math.round(frac * width);
      this.stream.write(`\r${this.label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${String(pct).padStart(3)}% ${done}/${total}  ${rateText}  ${etaText}    `);
      this.shown = true;
    } else {
      const step = Math.floor(pct / 10) * 10;
      if (step <= this.lastLine && now - this.lastLineTime < 60_000 && done < total) return;
      if (done === total && this.lastLine === 100) return;
      this.lastLine = step;
      this.lastLineTime = now;
      this.stream.write(`${this.label}: ${pct}% (${done}/${total}), ${rateText}${etaText ? `, ${etaText}` : ''}, ${formatDuration((now - this.started) / 1000)} so far\n`);
    }
  }

  done(): void {
    if (this.shown && this.stream.isTTY) this.stream.write('\n');
    this.shown = false;
  }
}
