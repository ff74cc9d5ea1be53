// Preloaded (node -r) into a command the bench runs in its own process: prints that process's
// peak resident memory (kilobytes) on stderr as it exits, for bench/peak-memory.ts to read.
//
// On Linux the peak is VmHWM from /proc/self/status: the high-water mark of this program's own
// memory. getrusage's maxRSS (process.resourceUsage()) is kept across execve, so a command
// started by a large process (the bench, holding every model) reports its parent's size at the
// fork when that was larger than its own. Elsewhere maxRSS is all there is.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload (node -r)
const { readFileSync } = require('node:fs');

function peakKib() {
  try {
    const m = /^VmHWM:\s*(\d+)\s*kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // Not Linux: fall through.
  }
  return process.resourceUsage().maxRSS;
}

process.on('exit', () => {
  process.stderr.write(`\nemotebot-bench-maxrss-kib ${peakKib()}\n`);
});
