/**
 * Timing helpers. The machine is shared and noisy, so every figure is a median over several
 * samples, and quick mode (for tests) only checks that things run: its times mean nothing.
 */
import Benchmark from 'benchmark';

/** How hard to measure. */
export interface RunMode {
  /** Tiny sizes and one or two calls per case: for tests and smoke runs. */
  readonly quick: boolean;
  /** Seconds Benchmark.js may spend on one case in one round (full mode). */
  readonly maxTime: number;
  /** Interleaved rounds per case (full mode; quick mode runs one). */
  readonly rounds: number;
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Median seconds per call of `fn`. Full mode hands `fn` to Benchmark.js, which calibrates how
 * many calls make one sample; we take the median of its samples rather than its mean, since a
 * neighbour's test run shows up as a few slow samples, not as a shift of all of them.
 */
export function secondsPerCall(fn: () => void, mode: RunMode): number {
  if (mode.quick) {
    fn();
    const t0 = performance.now();
    fn();
    return (performance.now() - t0) / 1000;
  }
  const bench = new Benchmark(fn, { minSamples: 3, maxTime: mode.maxTime, initCount: 1 });
  bench.run();
  if (bench.error !== undefined) throw bench.error;
  const samples = bench.stats.sample as number[];
  return samples.length > 0 ? median(samples) : bench.stats.mean;
}

/**
 * Median rate (items per second) of a stepping function: `warmup` untimed steps, then `rounds`
 * rounds of `stepsPerRound` timed steps each. Used for training throughput, where the brief asks
 * for a fixed number of steps after warm-up rather than a time budget.
 */
export function itemsPerSecond(
  step: () => void,
  itemsPerStep: number,
  warmup: number,
  rounds: number,
  stepsPerRound: number,
): number {
  for (let i = 0; i < warmup; i++) step();
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < stepsPerRound; i++) step();
    const seconds = (performance.now() - t0) / 1000;
    rates.push((itemsPerStep * stepsPerRound) / Math.max(seconds, 1e-9));
  }
  return median(rates);
}

/** One side of a comparison: opened (backend switched, inputs built) once per round. */
export interface Contender {
  /** Returns the function to time and a cleanup, or null when this side cannot run (e.g. no wasm). */
  open(): Promise<{ run: () => void; close?: () => void } | null>;
}

/**
 * Measures every contender once per round, round after round, and returns each one's median
 * over rounds (null for a contender that could not run). Interleaving matters on a shared
 * machine: a burst of load from a neighbour then hits every side of the ratio alike, instead of
 * whichever side happened to be measured during it.
 */
export async function interleaved(
  contenders: readonly Contender[],
  mode: RunMode,
  measure: (run: () => void) => number,
): Promise<(number | null)[]> {
  const figures: (number[] | null)[] = contenders.map(() => []);
  const rounds = mode.quick ? 1 : mode.rounds;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < contenders.length; i++) {
      if (figures[i] === null) continue;
      const handle = await contenders[i]!.open();
      if (handle === null) {
        figures[i] = null;
        continue;
      }
      try {
        figures[i]!.push(measure(handle.run));
      } finally {
        handle.close?.();
      }
    }
  }
  return figures.map((f) => (f === null || f.length === 0 ? null : median(f)));
}
