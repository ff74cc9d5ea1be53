/**
 * Progress on stderr for anything that takes longer than a second: a bar on a terminal,
 * a few percentage lines otherwise. Silent when quiet.
 */
export class Progress {
  private readonly started: number;
  private lastPrinted = -1;
  private shown = false;

  constructor(private readonly label: string, private readonly stream: NodeJS.WriteStream = process.stderr, private readonly quiet = false, private readonly now: () => number = () => performance.now()) {
    this.started = this.now();
  }

  update(done: number, total: number): void {
    if (this.quiet) return;
    const elapsed = (this.now() - this.started) / 1000;
    if (elapsed < 1 && done < total) return;
    const frac = total > 0 ? Math.min(done / total, 1) : 1;
    const pct = Math.floor(frac * 100);
    if (this.stream.isTTY) {
      if (pct === this.lastPrinted && done < total) return;
      const width = 28;
      const fill = Math.round(frac * width);
      const eta = frac > 0 ? (elapsed / frac - elapsed) : 0;
      this.stream.write(`\r${this.label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${String(pct).padStart(3)}%  ${done}/${total}  ${eta > 0.05 ? `${eta.toFixed(1)}s left` : '        '}`);
      this.shown = true;
    } else {
      const step = Math.floor(pct / 25) * 25;
      if (step <= this.lastPrinted) return;
      this.stream.write(`${this.label}: ${pct}% (${done}/${total})\n`);
    }
    this.lastPrinted = this.stream.isTTY ? pct : Math.floor(pct / 25) * 25;
  }

  /** A status line for a phase without counts; shown only when the phase runs past a second. */
  static async phase<T>(label: string, work: Promise<T>, quiet = false, stream: NodeJS.WriteStream = process.stderr): Promise<T> {
    if (quiet) return work;
    const timer = setTimeout(() => stream.write(stream.isTTY ? `\r${label}...` : `${label}...\n`), 1000);
    try {
      return await work;
    } finally {
      clearTimeout(timer);
    }
  }

  done(): void {
    if (this.shown && this.stream.isTTY) this.stream.write('\n');
  }
}
