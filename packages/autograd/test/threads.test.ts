import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import {
  ArgumentError,
  Rng,
  WorkerError,
  getBackend,
  getNumThreads,
  matmul,
  randn,
  setNumThreads,
  type FloatArray,
} from '@tapegrad/autograd';
import { gemm } from '../src/kernels/matmul.js';
import { PARALLEL_MIN, gemmThreads, setParallelMin } from '../src/kernels/threads.js';
import { injectWorkerFault, poolThreads, setStallFloor } from '../src/kernels/wasm/pool.js';
import { splitOutput } from '../src/kernels/wasm/split.js';
import { wasmKernels, type WasmKernels } from '../src/kernels/wasm/instance.js';

const initial = getNumThreads();
/**
 * The pool tests split products far below the measured threshold (a 64×64×64 product): small
 * shapes reach every edge case of the split in milliseconds.
 */
const SMALL_SPLIT = 1 << 14;

beforeAll(() => setParallelMin(SMALL_SPLIT));
afterAll(() => setParallelMin(undefined));
const onWasm = getBackend() === 'wasm';

afterEach(() => {
  setNumThreads(initial);
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

function filled(f64: boolean, size: number, rng: Rng): FloatArray {
  const x = f64 ? new Float64Array(size) : new Float32Array(size);
  for (let i = 0; i < size; i++) x[i] = rng.normal();
  return x;
}

/** gemm of fresh random operands (and a random starting C) on `threads` threads. */
function product(threads: number, f64: boolean, transA: boolean, transB: boolean, m: number, n: number, k: number) {
  const rng = new Rng(m * 7919 + n * 104729 + k);
  const a = filled(f64, m * k, rng);
  const b = filled(f64, k * n, rng);
  const c = filled(f64, m * n, rng);
  setNumThreads(threads);
  gemm(transA, transB, m, n, k, a, 0, b, 0, c, 0);
  return c;
}

/**
 * Injects a worker fault and runs m×m×m products on 2 threads until one meets it; returns what it
 * threw (null if none did). The fault fires in whichever worker claims a task first, and the
 * caller may take them all on a busy machine, so it tries a few products.
 */
function firstFault(kind: 'throw' | 'exit', m: number): unknown {
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      product(2, true, false, false, m, m, m); // opens the pool (or meets an earlier attempt's fault)
      injectWorkerFault(kind);
      product(2, true, false, false, m, m, m);
    } catch (e) {
      return e;
    }
  }
  return null;
}

function bytesOf(x: FloatArray): Uint8Array {
  return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
}

describe('setNumThreads', () => {
  it('takes whole numbers from 1 to 64 and names the fix otherwise', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, 65, Infinity]) {
      expect(() => setNumThreads(bad)).toThrow(ArgumentError);
    }
    expect(() => setNumThreads(0)).toThrow(/setNumThreads: expected a whole number of threads from 1 to 64, got 0/);
    expect(() => setNumThreads('2' as unknown as number)).toThrow(/got "2"/);
    setNumThreads(3);
    expect(getNumThreads()).toBe(3);
  });

  it('reads TAPEGRAD_NUM_THREADS once, and an invalid value is an ArgumentError', async () => {
    vi.resetModules();
    vi.stubEnv('TAPEGRAD_NUM_THREADS', '3');
    expect((await import('../src/kernels/threads.js')).getNumThreads()).toBe(3);
    vi.resetModules();
    vi.stubEnv('TAPEGRAD_NUM_THREADS', 'two');
    const bad = await import('../src/kernels/threads.js');
    const errors = await import('../src/errors.js');
    expect(() => bad.getNumThreads()).toThrow(errors.ArgumentError);
    expect(() => bad.getNumThreads()).toThrow(/TAPEGRAD_NUM_THREADS: expected a whole number of threads/);
    bad.setNumThreads(2); // an explicit count overrides the environment
    expect(bad.getNumThreads()).toBe(2);
  });

  it('reads TAPEGRAD_PARALLEL_MIN once (0 splits every product), and an invalid value is an ArgumentError', async () => {
    vi.resetModules();
    vi.stubEnv('TAPEGRAD_PARALLEL_MIN', 'lots');
    const bad = await import('../src/kernels/threads.js');
    const errors = await import('../src/errors.js');
    const wasm = { shared: false } as WasmKernels;
    bad.setNumThreads(2);
    expect(() => bad.gemmThreads(wasm, 64, 64, 64)).toThrow(errors.ArgumentError);
    expect(() => bad.gemmThreads(wasm, 64, 64, 64)).toThrow(/TAPEGRAD_PARALLEL_MIN: expected a whole number/);
    vi.resetModules();
    vi.stubEnv('TAPEGRAD_PARALLEL_MIN', '0');
    const zero = await import('../src/kernels/threads.js');
    zero.setNumThreads(2);
    // Past the threshold the split is only refused for the unshared memory, with its notice; at
    // the default threshold a 16×16×16 product never gets that far.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(zero.gemmThreads(wasm, 16, 16, 16)).toBe(1);
    expect(warn).toHaveBeenCalledOnce();
    vi.resetModules();
    vi.stubEnv('TAPEGRAD_PARALLEL_MIN', '');
    const usual = await import('../src/kernels/threads.js');
    usual.setNumThreads(2);
    expect(usual.gemmThreads(wasm, 16, 16, 16)).toBe(1);
    expect(warn).toHaveBeenCalledOnce();
  });

  it('defaults to the cores available', async () => {
    vi.resetModules();
    vi.stubEnv('TAPEGRAD_NUM_THREADS', '');
    const os = await import('node:os');
    const threads = await import('../src/kernels/threads.js');
    expect(threads.getNumThreads()).toBe(Math.min(64, os.availableParallelism()));
    expect(threads.coresAvailable()).toBe(Math.min(64, os.availableParallelism()));
  });
});

describe('splitting an output', () => {
  it('covers every element once, in whole panels', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 1, max: 128 }),
        fc.boolean(),
        (m, n, tasks, f64) => {
          const s = splitOutput(m, n, tasks, f64);
          expect(s.rowsPer % 4).toBe(0);
          expect(s.colsPer % 8).toBe(0);
          expect(s.rowTasks * s.colTasks).toBeLessThanOrEqual(Math.max(tasks, 1) * 2);
          // The grid reaches the last row and column, and no task starts past the output.
          expect((s.rowTasks - 1) * s.rowsPer).toBeLessThan(m);
          expect(s.rowTasks * s.rowsPer).toBeGreaterThanOrEqual(m);
          expect((s.colTasks - 1) * s.colsPer).toBeLessThan(n);
          expect(s.colTasks * s.colsPer).toBeGreaterThanOrEqual(n);
        },
      ),
    );
  });

  it('cuts the side that makes each task pack less', () => {
    // A batch of 64 rows against 128 outputs (an MLP layer's forward): cutting rows would make
    // both tasks pack all of op(B), cutting columns halves it.
    expect(splitOutput(64, 128, 2, false)).toEqual({ rowsPer: 64, colsPer: 64, rowTasks: 1, colTasks: 2 });
    // Tall and narrow: only rows can be cut.
    expect(splitOutput(600, 8, 2, true)).toEqual({ rowsPer: 300, colsPer: 8, rowTasks: 2, colTasks: 1 });
    // Square: two halves either way, one task per thread.
    const square = splitOutput(256, 256, 2, true);
    expect(square.rowTasks * square.colTasks).toBe(2);
    // Fewer panels than threads: a task per panel.
    expect(splitOutput(4, 8, 4, false)).toEqual({ rowsPer: 4, colsPer: 8, rowTasks: 1, colTasks: 1 });
  });
});

describe.runIf(onWasm)('the worker pool', () => {
  it('gives bit-identical products on 1, 2, 3 and 4 threads, for every dtype and transpose flag', () => {
    const shapes: [number, number, number][] = [
      [64, 64, 64],
      [67, 45, 129],
      [5, 300, 260],
      [301, 9, 200],
      [128, 130, 257],
      [520, 24, 40], // on 2 threads each task is 260 rows: two chunks of the heartbeat
    ];
    const flags = [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const;
    // Thread counts outermost: each change to another count above 1 restarts the pool.
    const runs = [1, 2, 3, 4].map((threads) => {
      const outputs = [true, false].flatMap((f64) =>
        flags.flatMap(([transA, transB]) => shapes.map(([m, n, k]) => product(threads, f64, transA, transB, m, n, k))),
      );
      expect(poolThreads()).toBe(threads);
      return outputs;
    });
    for (const outputs of runs.slice(1)) {
      outputs.forEach((c, i) => expect(bytesOf(c)).toEqual(bytesOf(runs[0]![i]!)));
    }
  });

  it('gives bit-identical products for random shapes around the split threshold', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 140 }),
        fc.integer({ min: 1, max: 140 }),
        fc.integer({ min: 16, max: 300 }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        (m, n, k, f64, transA, transB) => {
          const one = product(1, f64, transA, transB, m, n, k);
          const two = product(2, f64, transA, transB, m, n, k);
          expect(bytesOf(two)).toEqual(bytesOf(one));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('gives bit-identical matmul gradients through the tape on 1 and 2 threads', () => {
    const run = (threads: number) => {
      setNumThreads(threads);
      const rng = new Rng(5);
      const x = randn([64, 784], { rng });
      const w = randn([128, 784], { rng, requiresGrad: true });
      const y = matmul(x, w.transpose());
      y.mul(y).sum().backward();
      return [y.data, w.grad!.data];
    };
    const [y1, g1] = run(1);
    const [y2, g2] = run(2);
    expect(bytesOf(y2!)).toEqual(bytesOf(y1!));
    expect(bytesOf(g2!)).toEqual(bytesOf(g1!));
  });

  it('keeps the pool open at one thread, so going back to two starts no new workers', () => {
    product(2, true, false, false, 64, 64, 64);
    expect(poolThreads()).toBe(2);
    const one = product(1, true, false, false, 64, 64, 64);
    expect(poolThreads()).toBe(2);
    const two = product(2, true, false, false, 64, 64, 64);
    expect(poolThreads()).toBe(2);
    expect(bytesOf(two)).toEqual(bytesOf(one));
  });

  it('keeps products below the threshold on the calling thread', () => {
    setParallelMin(undefined);
    try {
      const wasm = wasmKernels()!;
      setNumThreads(2);
      expect(gemmThreads(wasm, 127, 64, 64)).toBe(1);
      expect(gemmThreads(wasm, 128, 64, 64)).toBe(2);
      expect(128 * 64 * 64).toBe(PARALLEL_MIN);
      setNumThreads(1);
      expect(gemmThreads(wasm, 512, 512, 512)).toBe(1);
    } finally {
      setParallelMin(SMALL_SPLIT);
    }
  });

  it('runs on one thread, saying so once, where memory cannot be shared', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const unshared: WasmKernels = { ...wasmKernels()!, shared: false };
    setNumThreads(2);
    expect(gemmThreads(unshared, 256, 256, 256)).toBe(1);
    expect(gemmThreads(unshared, 256, 256, 256)).toBe(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/SharedArrayBuffer is unavailable.*Cross-Origin-Opener-Policy/);
  });

  it('turns a failing worker into a WorkerError, then restarts the pool and computes correctly', () => {
    const m = 128;
    const want = product(1, true, false, false, m, m, m);
    const caught = firstFault('throw', m);
    expect(caught).toBeInstanceOf(WorkerError);
    expect(String((caught as Error).message)).toMatch(
      /gemm \(128×128 by 128×128\): kernel thread \d failed: fault injected by a test/,
    );
    const again = product(2, true, false, false, m, m, m);
    expect(poolThreads()).toBe(2);
    expect(bytesOf(again)).toEqual(bytesOf(want));
  });

  it('turns a worker that dies holding a task into a WorkerError, not a hang, then restarts the pool', () => {
    const m = 128;
    const want = product(1, true, false, false, m, m, m);
    setStallFloor(300);
    try {
      const caught = firstFault('exit', m);
      expect(caught).toBeInstanceOf(WorkerError);
      expect(String((caught as Error).message)).toMatch(
        /gemm \(128×128 by 128×128\): a kernel thread stopped answering \(no progress for 300 ms: it died or hung\)/,
      );
    } finally {
      setStallFloor(10_000);
    }
    const again = product(2, true, false, false, m, m, m);
    expect(poolThreads()).toBe(2);
    expect(bytesOf(again)).toEqual(bytesOf(want));
  });

  it('never keeps a Node process alive', () => {
    const script = fileURLToPath(new URL('./support/exit-with-pool.ts', import.meta.url));
    const result = spawnSync(process.execPath, ['--conditions=@tapegrad/source', '--import', 'tsx', script], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('threads 2 pool 2 c 256');
    expect(result.status).toBe(0);
  });
});
