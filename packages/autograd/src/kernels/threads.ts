/**
 * How many threads the wasm kernels use. Products run on a pool of workers sharing the module's
 * memory (kernels/wasm/pool.ts); the API stays synchronous, the calling thread working too.
 *
 * The count is {@link setNumThreads}, else the environment variable `TAPEGRAD_NUM_THREADS` (read
 * once, at the first product large enough to split), else the cores available. Results are
 * bit-identical for every count: each output element is computed whole by one thread, in the
 * same order whichever thread it is.
 */
import { ArgumentError } from '../errors.js';
import { envVar } from '../process.js';
import type { WasmKernels } from './wasm/instance.js';
import { ensurePool } from './wasm/pool.js';

/** The most threads accepted: past this the control block's task counts would not pay. */
const MAX_THREADS = 64;

/**
 * Products of fewer multiply-adds (about 80×80×80) stay on the calling thread. Measured on a
 * 2-core machine by alternating short blocks on one thread and on two and taking the median of
 * the blocks' ratios (`npx -y pnpm@10 --filter @tapegrad/bench threshold:threads`, which sets
 * `TAPEGRAD_PARALLEL_MIN=0` to time the split below it too): one thread ÷ two was 0.95–1.07× at
 * 64³ and 1.0× at 80³ in float64, 1.6× at 96³; in float32 0.7–1.0× below this and 1.2–1.3× at 96³.
 */
export const PARALLEL_MIN = 1 << 19;

/** PARALLEL_MIN, or `TAPEGRAD_PARALLEL_MIN` (read once) for measuring the threshold itself. */
let parallelMin: number | undefined;

/** Test hook: sets the threshold in multiply-adds; undefined goes back to the environment or the default. */
export function setParallelMin(macs: number | undefined): void {
  parallelMin = macs;
}

/** Whether a text is a whole number of digits (surrounding spaces allowed). */
function isWholeNumber(text: string): boolean {
  return /^\s*\d+\s*$/.test(text);
}

function minToSplit(): number {
  if (parallelMin === undefined) {
    const env = envVar('TAPEGRAD_PARALLEL_MIN');
    if (env === undefined) parallelMin = PARALLEL_MIN;
    else if (isWholeNumber(env)) parallelMin = Number(env);
    else {
      throw new ArgumentError(
        `TAPEGRAD_PARALLEL_MIN: expected a whole number of multiply-adds, got ${JSON.stringify(env)}; unset it for the measured default ${PARALLEL_MIN}.`,
      );
    }
  }
  return parallelMin;
}

/** null: the default; undefined: not yet resolved from the environment. */
let chosen: number | null | undefined;
let noticed = false;

function parseThreads(where: string, value: unknown, text = false): number {
  const n = text && typeof value === 'string' && isWholeNumber(value) ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_THREADS) return n;
  throw new ArgumentError(
    `${where}: expected a whole number of threads from 1 to ${MAX_THREADS}, got ${JSON.stringify(value)}; 1 runs every kernel on the calling thread.`,
  );
}

/** Cores available: os.availableParallelism in Node, navigator.hardwareConcurrency in browsers. */
export function coresAvailable(): number {
  const g = globalThis as {
    process?: { getBuiltinModule?: (id: string) => unknown };
    navigator?: { hardwareConcurrency?: number };
  };
  const os = g.process?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  const cores = os?.availableParallelism?.() ?? g.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(MAX_THREADS, cores));
}

function requested(): number {
  if (chosen === undefined) {
    const env = envVar('TAPEGRAD_NUM_THREADS');
    chosen = env === undefined ? null : parseThreads('TAPEGRAD_NUM_THREADS', env, true);
  }
  return chosen ?? coresAvailable();
}

/**
 * Sets how many threads the wasm kernels use (1 to 64; the calling thread counts as one).
 * Overrides `TAPEGRAD_NUM_THREADS`. Where SharedArrayBuffer is missing (a page without
 * cross-origin isolation) everything runs on one thread whatever the count, and a notice says so
 * once. The TypeScript kernels (`setBackend('js')`) always run on one thread.
 */
export function setNumThreads(n: number): void {
  // The pool stays open at 1: its threads sleep, holding nothing the process waits for, and a
  // later setNumThreads(2) would otherwise pay tens of milliseconds to start them again.
  chosen = parseThreads('setNumThreads', n);
}

/**
 * The thread count requested: the one set, else `TAPEGRAD_NUM_THREADS`, else the cores available
 * (`os.availableParallelism()` in Node, `navigator.hardwareConcurrency` in browsers).
 */
export function getNumThreads(): number {
  return requested();
}

/**
 * How many threads a product of m·n·k multiply-adds runs on, opening the pool if needed: 1 below
 * {@link PARALLEL_MIN}, with one thread requested, or where memory cannot be shared.
 */
export function gemmThreads(wasm: WasmKernels, m: number, n: number, k: number): number {
  if (m * n * k < minToSplit() || (m < 8 && n < 16)) return 1;
  const want = requested();
  if (want === 1) return 1;
  if (!wasm.shared) {
    if (!noticed) {
      noticed = true;
      console.warn(
        'tapegrad: SharedArrayBuffer is unavailable (serve the page cross-origin isolated, with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp), so kernels run on one thread.',
      );
    }
    return 1;
  }
  return ensurePool(wasm, want);
}
