/**
 * The worker pool: threads that instantiate the kernels module on its shared memory and take
 * rectangles of a product's output from a job the calling thread posts in a shared control block.
 *
 * The calling thread takes tasks too, then waits (Atomics.wait where allowed, else a spin) for
 * those others took. Tasks are claimed, not assigned: a worker that has not started yet (a browser
 * starts workers only once the page yields) or that the machine has not scheduled simply takes
 * none, and the caller does them. Workers are created from an embedded source (worker-source.ts),
 * so no file or URL is fetched; in Node they are unref'd and never keep the process alive.
 */
import { WorkerError } from '../../errors.js';
import { drain, LAYOUT as L, type WorkerStart } from './drain.js';
import type { WasmKernels } from './instance.js';
import { splitOutput } from './split.js';
import { WORKER_SOURCE } from './worker-source.js';

/** The part of a Node or Web Worker the pool uses. */
interface AnyWorker {
  postMessage(message: WorkerStart): void;
  terminate(): unknown;
}

interface Pool {
  readonly wasm: WasmKernels;
  readonly ctl: Int32Array;
  readonly workers: AnyWorker[];
  generation: number;
  /** Set by a worker's error or exit event: the pool is replaced at the next call. */
  broken: boolean;
}

type NodeWorkerCtor = new (
  source: string,
  options: { eval: true },
) => AnyWorker & { unref(): void; on(event: string, f: () => void): void };

let pool: Pool | null = null;
let blobUrl: string | null = null;

function nodeWorkerCtor(): NodeWorkerCtor | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const threads = proc?.getBuiltinModule?.('node:worker_threads') as { Worker?: NodeWorkerCtor } | undefined;
  return threads?.Worker ?? null;
}

/** Starts one worker, or returns null where this environment has no way to. */
function spawn(onFailure: () => void): AnyWorker | null {
  const NodeWorker = nodeWorkerCtor();
  if (NodeWorker !== null) {
    const worker = new NodeWorker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('error', onFailure);
    worker.on('exit', onFailure);
    return worker;
  }
  if (typeof Worker !== 'function' || typeof Blob !== 'function') return null;
  blobUrl ??= URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const worker = new Worker(blobUrl);
  worker.addEventListener('error', onFailure);
  return worker;
}

function open(wasm: WasmKernels, threads: number): Pool {
  const ctl = new Int32Array(new SharedArrayBuffer(L.BYTES));
  const created: Pool = { wasm, ctl, workers: [], generation: 0, broken: false };
  for (let thread = 1; thread < threads; thread++) {
    const worker = spawn(() => {
      created.broken = true;
    });
    if (worker === null) break;
    worker.postMessage({
      module: wasm.module,
      memory: wasm.memory,
      control: ctl.buffer as SharedArrayBuffer,
      layout: L,
      thread,
    });
    created.workers.push(worker);
  }
  return created;
}

/** Stops the pool's workers (they leave their loop; terminate ends any that are not listening). */
function closePool(): void {
  if (pool === null) return;
  Atomics.store(pool.ctl, L.stop, 1);
  Atomics.add(pool.ctl, L.claim, 1 << L.CLAIM_BITS);
  Atomics.notify(pool.ctl, L.claim);
  // A thread parked on `stop` (the test hook's stand-in for a dead thread) leaves too.
  Atomics.notify(pool.ctl, L.stop);
  for (const worker of pool.workers) void worker.terminate();
  pool = null;
}

/**
 * Wakes the pool's sleeping threads ahead of a job: called before the operands are copied, so a
 * thread's wake-up passes during the copies. An awoken thread spins (LAYOUT.SPIN_MS) for the job.
 */
export function wakePool(): void {
  if (pool !== null) Atomics.notify(pool.ctl, L.claim);
}

/** Threads of the pool now running (the caller included), or 1 with no pool. */
export function poolThreads(): number {
  return pool === null ? 1 : pool.workers.length + 1;
}

let waitAllowed: boolean | null = null;

/** Atomics.wait throws on a browser's main thread; elsewhere the caller sleeps instead of spinning. */
function canWait(ctl: Int32Array): boolean {
  if (waitAllowed === null) {
    try {
      Atomics.wait(ctl, L.fault, 1, 0);
      waitAllowed = true;
    } catch {
      waitAllowed = false;
    }
  }
  return waitAllowed;
}

/**
 * Opens (or reopens, at a new size or after a failure) the pool for `threads` threads on `wasm`;
 * returns the threads it has, which is 1 where no worker can be created.
 */
export function ensurePool(wasm: WasmKernels, threads: number): number {
  if (pool !== null && (pool.broken || pool.wasm !== wasm || pool.workers.length + 1 !== threads)) closePool();
  pool ??= open(wasm, threads);
  return pool.workers.length + 1;
}

/**
 * Runs c[m×n] = op(A)·op(B) (byte offsets into the shared memory) on the pool opened by
 * {@link ensurePool}; scratch of thread t is at `scratch + t·scratchStride`. Throws WorkerError if
 * a thread's task failed or a thread stopped answering (the pool is then closed, and reopened by
 * the next call).
 */
export function runParallel(
  f64: boolean,
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: number,
  b: number,
  c: number,
  scratch: number,
  scratchStride: number,
): void {
  const p = pool;
  if (p === null) throw new WorkerError('gemm: the worker pool is not open (call ensurePool first).');
  const ctl = p.ctl;
  // One task per thread: more tasks would each pack their panels again. A thread the machine has
  // not scheduled yet simply claims none, and the others take its task.
  const split = splitOutput(m, n, p.workers.length + 1, f64);
  const total = split.rowTasks * split.colTasks;
  ctl[L.f64] = f64 ? 1 : 0;
  ctl[L.transA] = transA ? 1 : 0;
  ctl[L.transB] = transB ? 1 : 0;
  ctl[L.m] = m;
  ctl[L.n] = n;
  ctl[L.k] = k;
  ctl[L.a] = a;
  ctl[L.b] = b;
  ctl[L.c] = c;
  ctl[L.rowsPer] = split.rowsPer;
  ctl[L.colsPer] = split.colsPer;
  ctl[L.colTasks] = split.colTasks;
  ctl[L.scratch] = scratch;
  ctl[L.scratchStride] = scratchStride;
  Atomics.store(ctl, L.done, 0);
  Atomics.store(ctl, L.total, total);
  // Publishing the new generation (with task 0 next) releases the job; every store above is seen
  // by a thread that sees this one.
  p.generation = (p.generation + 1) & ((1 << (31 - L.CLAIM_BITS)) - 1);
  Atomics.store(ctl, L.claim, p.generation << L.CLAIM_BITS);
  Atomics.notify(ctl, L.claim);
  const exports = p.wasm.exports as unknown as {
    gemmF64: (...args: number[]) => void;
    gemmF32: (...args: number[]) => void;
  };
  drain(ctl, L, exports.gemmF64, exports.gemmF32, 0);
  const limit = stallMs(split.rowsPer, split.colsPer, k);
  const stalled = waitForJob(ctl, total, limit);
  const failed = Atomics.load(ctl, L.error);
  if (stalled || failed !== 0) {
    const length = failed === 0 ? 0 : ctl[L.WORDS - 1]!;
    const message = new TextDecoder().decode(new Uint8Array(ctl.buffer, L.WORDS * 4, length).slice());
    closePool();
    const what = stalled
      ? `a kernel thread stopped answering (no progress for ${Math.round(limit)} ms: it died or hung)`
      : `kernel thread ${failed - 1} failed: ${message}`;
    throw new WorkerError(
      `gemm (${m}×${k} by ${k}×${n}): ${what}. The worker pool is restarted at the next call; setNumThreads(1) avoids it.`,
    );
  }
}

/** The shortest silence taken for a dead thread; tests shorten it. */
let stallFloorMs = 10_000;

/**
 * How long the caller waits without a heartbeat before calling the job stalled: a chunk of
 * CHUNK² outputs at a pessimistic 10^8 multiply-adds per second (20–100 times below this module's
 * speed), and never less than the floor.
 */
function stallMs(rowsPer: number, colsPer: number, k: number): number {
  const chunk = Math.min(rowsPer, L.CHUNK) * Math.min(colsPer, L.CHUNK) * k;
  return Math.max(stallFloorMs, chunk / 1e5);
}

/**
 * Waits until every task of the job is done; returns true instead if no thread finished a chunk
 * for `limitMs` (a worker killed mid-task never reports, and blocking forever would hang the app).
 */
function waitForJob(ctl: Int32Array, total: number, limitMs: number): boolean {
  const sleep = canWait(ctl);
  let beat = Atomics.load(ctl, L.beat);
  let since = performance.now();
  for (let done = Atomics.load(ctl, L.done); done < total; done = Atomics.load(ctl, L.done)) {
    // Sleep in slices, so a silent thread is noticed; a notify on `done` ends a slice at once.
    if (sleep) Atomics.wait(ctl, L.done, done, 20);
    const now = Atomics.load(ctl, L.beat);
    if (now !== beat) {
      beat = now;
      since = performance.now();
    } else if (performance.now() - since > limitMs) {
      return true;
    }
  }
  return false;
}

/** Test hook: the shortest silence taken for a dead thread (restore with the default, 10,000). */
export function setStallFloor(ms: number): void {
  stallFloorMs = ms;
}

/** Test hook: the next task a worker (not the calling thread) claims throws, or stops its thread. */
export function injectWorkerFault(kind: 'throw' | 'exit' = 'throw'): void {
  if (pool !== null) Atomics.store(pool.ctl, L.fault, kind === 'throw' ? 1 : 2);
}
