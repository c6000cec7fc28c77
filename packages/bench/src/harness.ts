/**
 * Timing. The machine is shared and noisy, so every contender of a case is measured once per
 * round, round after round, and its figure is the median over rounds. Within a round tinybench
 * times calls until both a time budget and a minimum number of calls are met.
 */
import { Bench } from 'tinybench';

/** How long each contender runs in one round. */
export interface Budget {
  /** Seconds of timed calls (tinybench keeps going until this and `minCalls` are both met). */
  readonly seconds: number;
  /** Timed calls at least. */
  readonly minCalls: number;
  /** Untimed calls first (JIT tiers, caches, kernel compilation). */
  readonly warmupCalls: number;
}

/** How hard to measure. */
export interface RunMode {
  /** Tiny sizes and a call or two per case: for tests and smoke runs; the times mean little. */
  readonly quick: boolean;
  /** Interleaved rounds per case. */
  readonly rounds: number;
  /** What one contender gets in one round. */
  readonly budget: Budget;
}

/**
 * The full run: 5 rounds of at least 0.4 s per contender, after one untimed call. A contender whose
 * call takes seconds (tfjs-cpu at n = 1024, jax-js eager on W3) thus costs two calls a round, not more.
 */
export const FULL_MODE: RunMode = { quick: false, rounds: 5, budget: { seconds: 0.4, minCalls: 1, warmupCalls: 1 } };

/** Quick mode: one round of two timed calls, for smoke runs and tests. */
export const QUICK_MODE: RunMode = { quick: true, rounds: 1, budget: { seconds: 0, minCalls: 2, warmupCalls: 1 } };

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The value at fraction `q` (0 to 1) of the sorted list: 0.25 and 0.75 bound its middle half. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** One side of a paired comparison: switches into its configuration, then runs one call. */
export interface PairSide {
  readonly enter: () => void;
  readonly run: () => void;
}

/** Per pair of blocks: seconds per call of each side, and first ÷ second. */
export interface Paired {
  readonly first: number[];
  readonly second: number[];
  readonly ratios: number[];
}

/** Seconds per call over calls filling at least `blockMs` (one call at least). */
function block(side: PairSide, blockMs: number): number {
  side.enter();
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    side.run();
    calls++;
    elapsed = performance.now() - start;
  } while (elapsed < blockMs);
  return elapsed / 1000 / calls;
}

/**
 * Times two configurations of one synchronous computation in alternating blocks of at least
 * `blockMs`, after one untimed block each. On a shared machine the speed drifts by a third over
 * seconds; two adjacent blocks see the same drift, so the median of the pairs' ratios holds where
 * a ratio of separately timed figures does not.
 */
export function pairedBlocks(first: PairSide, second: PairSide, pairs: number, blockMs: number): Paired {
  block(first, blockMs);
  block(second, blockMs);
  const out: Paired = { first: [], second: [], ratios: [] };
  for (let p = 0; p < pairs; p++) {
    const a = block(first, blockMs);
    const b = block(second, blockMs);
    out.first.push(a);
    out.second.push(b);
    out.ratios.push(a / b);
  }
  return out;
}

/** A function to time: one call is one matmul, one training step, one chain gradient... */
export type Run = () => void | Promise<void>;

/**
 * Mean seconds per call of `run` within the budget. The mean, not the median of calls: garbage
 * collection is part of what a call costs, and it lands on a few calls, not on all of them.
 */
export async function secondsPerCall(run: Run, budget: Budget): Promise<number> {
  const bench = new Bench({
    time: budget.seconds * 1000,
    iterations: budget.minCalls,
    warmup: budget.warmupCalls > 0,
    warmupIterations: budget.warmupCalls,
    warmupTime: 0,
    throws: true,
  });
  bench.add('case', run);
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (result.state !== 'completed') throw new Error(`tinybench ended a case in state ${result.state}`);
  return result.period / 1000;
}

/** One side of a comparison: opened (backend switched, inputs built) afresh in every round. */
export interface Contender {
  /** Returns the function to time and a cleanup, or the reason this side cannot run. */
  open(): Promise<{ run: Run; close?: () => void } | string>;
}

/** A contender's figure (median over rounds), or why it has none. */
export type Figure = { readonly value: number } | { readonly missing: string };

/**
 * Measures every contender once per round, round after round, and returns each one's median
 * over rounds. Interleaving matters on a shared machine: a burst of load from a neighbour then
 * hits every side of a ratio alike, instead of whichever side happened to be measured during it.
 * A contender that cannot open, or throws, is dropped with its reason; the others go on.
 */
export async function interleaved(
  contenders: readonly Contender[],
  mode: RunMode,
  toFigure: (secondsPerCall: number) => number,
  onRound?: (round: number) => void,
): Promise<Figure[]> {
  const samples: number[][] = contenders.map(() => []);
  const missing: (string | undefined)[] = contenders.map(() => undefined);
  for (let r = 0; r < mode.rounds; r++) {
    onRound?.(r);
    for (let i = 0; i < contenders.length; i++) {
      if (missing[i] !== undefined) continue;
      let handle: Awaited<ReturnType<Contender['open']>> | undefined;
      try {
        handle = await contenders[i]!.open();
        if (typeof handle === 'string') missing[i] = handle;
        else samples[i]!.push(toFigure(await secondsPerCall(handle.run, mode.budget)));
      } catch (e) {
        missing[i] = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      } finally {
        if (handle !== undefined && typeof handle !== 'string') handle.close?.();
      }
    }
  }
  return samples.map((s, i) => (missing[i] !== undefined ? { missing: missing[i]! } : { value: median(s) }));
}

/** Called when a case starts (its name); returns what is called at the start of each round. */
export type CaseProgress = (name: string) => (round: number) => void;
