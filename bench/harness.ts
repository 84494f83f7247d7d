/** One measured case: `run` does `ops` operations of `bytes` bytes each per call. */
export interface BenchCase {
  name: string;
  run: () => void;
}

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function timeOnce(run: () => void, iterations: number): number {
  const start = performance.now();
  for (let i = 0; i < iterations; i++) run();
  return (performance.now() - start) / iterations;
}

/**
 * Times `subject` against `baseline` in alternating rounds (this machine is noisy), after a time-based warm-up, and returns the
 * median milliseconds per call of each.
 */
export function compare(
  baseline: () => void,
  subject: () => void,
  { rounds = 15, targetMs = 40 }: { rounds?: number; targetMs?: number } = {},
): { baselineMs: number; subjectMs: number } {
  // Warm both up for a while first: calibrating on cold code picks iteration counts from unoptimized timings.
  for (const fn of [baseline, subject, baseline, subject]) {
    const until = performance.now() + 150;
    while (performance.now() < until) for (let i = 0; i < 16; i++) fn();
  }
  const calibrate = (fn: () => void) => Math.max(1, Math.round(targetMs / Math.max(timeOnce(fn, 3), 1e-4)));
  const nb = calibrate(baseline);
  const ns = calibrate(subject);
  const b: number[] = [];
  const s: number[] = [];
  for (let r = 0; r < rounds; r++) {
    b.push(timeOnce(baseline, nb));
    s.push(timeOnce(subject, ns));
  }
  return { baselineMs: median(b), subjectMs: median(s) };
}

/** Formats bytes per millisecond as GB/s. */
export function gbps(bytes: number, ms: number): string {
  return `${(bytes / ms / 1e6).toFixed(2)} GB/s`;
}
