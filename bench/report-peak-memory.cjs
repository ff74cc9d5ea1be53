// Preloaded (node -r) into a command the bench runs in its own process: prints that process's
// peak resident memory (kilobytes) on stderr as it exits, for bench/peak-memory.ts to read.
process.on('exit', () => {
  process.stderr.write(`\nemotebot-bench-maxrss-kib ${process.resourceUsage().maxRSS}\n`);
});
