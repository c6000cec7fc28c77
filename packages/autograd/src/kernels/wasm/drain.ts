/**
 * The work loop every thread of the pool runs, the calling thread included.
 *
 * Both functions here are self-contained (no imports, no module-level names): the worker's source
 * is their text (see worker-source.ts), so one copy of the claiming logic serves the calling
 * thread and the workers, in source-mode tests, the built packages and browser bundles alike.
 */

/** Word indices in the pool's control block (an Int32Array over a SharedArrayBuffer). */
export const LAYOUT = {
  /** (generation << CLAIM_BITS) | next unclaimed task: one word, so a stale claim fails its CAS. */
  claim: 0,
  /** Tasks of the current job. */
  total: 1,
  /** Tasks finished (or failed) in the current job; the caller waits on it. */
  done: 2,
  /** 0, or 1 + the thread index of the first task that threw. */
  error: 3,
  /** Set to 1 to make workers leave their loop. */
  stop: 4,
  /** Test hook: the next task a worker (not the caller) claims throws (1) or stops its thread (2). */
  fault: 5,
  /** Bumped after every chunk any thread finishes: the caller's sign that the job is moving. */
  beat: 6,
  /** The gemm: 1 for float64, 0 for float32. */
  f64: 8,
  transA: 9,
  transB: 10,
  m: 11,
  n: 12,
  k: 13,
  a: 14,
  b: 15,
  c: 16,
  /** Output rows per task (a multiple of the micro-kernel's 4), columns per task, tasks per row band. */
  rowsPer: 17,
  colsPer: 18,
  colTasks: 19,
  /** Scratch of thread t starts at scratch + t · scratchStride (bytes). */
  scratch: 20,
  scratchStride: 21,
  /** How long an idle thread spins, watching `claim`, before it sleeps (milliseconds). */
  SPIN_MS: 1,
  /** Rows and columns of one chunk: a task runs as chunks, beating between them. */
  CHUNK: 256,
  /** Bits of `claim` holding the task index; tasks per job stay below 2^CLAIM_BITS. */
  CLAIM_BITS: 12,
  /** Words of the control block; the failing task's message follows as UTF-8. */
  WORDS: 32,
  /** Bytes of the control block including the message. */
  BYTES: 512,
} as const;

/** The pool's control-block layout, as passed to {@link drain}. */
export type Layout = typeof LAYOUT;

/** A gemm entry of the module, as in instance.ts. */
type Gemm = (...args: number[]) => void;

/**
 * Claims and runs tasks of the current job until none is left; returns the number run. A task is
 * one rectangle of the output, computed whole by whichever thread claims it, in the kernel's fixed
 * order, so results do not depend on the thread count. A task that throws is recorded in `error`
 * (with its message) and still counted done, so the caller never waits for it.
 */
export function drain(ctl: Int32Array, L: Layout, gemmF64: Gemm, gemmF32: Gemm, thread: number): number {
  const mask = (1 << L.CLAIM_BITS) - 1;
  let ran = 0;
  for (;;) {
    const cur = Atomics.load(ctl, L.claim);
    const index = cur & mask;
    // Read after `claim`: the caller stores `total` first, so it belongs to this generation or,
    // if `cur` is already stale, the CAS below fails.
    if (index >= Atomics.load(ctl, L.total)) return ran;
    if (Atomics.compareExchange(ctl, L.claim, cur, cur + 1) !== cur) continue;
    ran++;
    // The job cannot finish while this task is unfinished, so its parameters are stable now.
    try {
      if (thread !== 0 && Atomics.load(ctl, L.fault) !== 0) {
        const fault = Atomics.exchange(ctl, L.fault, 0);
        if (fault === 1) throw new Error('fault injected by a test');
        if (fault === 2) {
          // A thread that dies holding a task: Node ends a worker on process.exit; elsewhere it
          // sleeps until the pool is closed, which looks the same to the caller.
          (globalThis as { process?: { exit?: (code: number) => void } }).process?.exit?.(1);
          Atomics.wait(ctl, L.stop, 0);
          return ran;
        }
      }
      const colTasks = ctl[L.colTasks]!;
      const rowStart = Math.floor(index / colTasks) * ctl[L.rowsPer]!;
      const colStart = (index % colTasks) * ctl[L.colsPer]!;
      const m = ctl[L.m]!;
      const n = ctl[L.n]!;
      const rowEnd = Math.min(m, rowStart + ctl[L.rowsPer]!);
      const colEnd = Math.min(n, colStart + ctl[L.colsPer]!);
      const run = ctl[L.f64] === 1 ? gemmF64 : gemmF32;
      // Chunks of CHUNK columns are the kernel's own blocks (no extra packing); chunks of rows
      // repack op(B) once per CHUNK rows, a small price for a heartbeat on the largest products.
      for (let r = rowStart; r < rowEnd; r += L.CHUNK) {
        for (let q = colStart; q < colEnd; q += L.CHUNK) {
          run(
            ctl[L.transA]!,
            ctl[L.transB]!,
            m,
            n,
            ctl[L.k]!,
            ctl[L.a]!,
            ctl[L.b]!,
            ctl[L.c]!,
            r,
            Math.min(rowEnd, r + L.CHUNK),
            q,
            Math.min(colEnd, q + L.CHUNK),
            ctl[L.scratch]! + thread * ctl[L.scratchStride]!,
          );
          Atomics.add(ctl, L.beat, 1);
        }
      }
    } catch (e) {
      if (Atomics.compareExchange(ctl, L.error, 0, thread + 1) === 0) {
        const text = new TextEncoder().encode(String(e instanceof Error ? e.message : e));
        const bytes = new Uint8Array(ctl.buffer, ctl.byteOffset + L.WORDS * 4, L.BYTES - L.WORDS * 4 - 4);
        const length = Math.min(text.length, bytes.length);
        // Shared memory cannot be the target of encodeInto in every engine: copy byte by byte.
        for (let i = 0; i < length; i++) bytes[i] = text[i]!;
        ctl[L.WORDS - 1] = length;
      }
    }
    if (Atomics.add(ctl, L.done, 1) + 1 === Atomics.load(ctl, L.total)) Atomics.notify(ctl, L.done);
  }
}

/** What a worker is sent once, at start. */
export interface WorkerStart {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly control: SharedArrayBuffer;
  readonly layout: Layout;
  readonly thread: number;
}

/**
 * A worker's life after its start message: instantiate the module on the shared memory, then
 * drain jobs, sleeping on `claim` between them, until `stop`. (No named inner functions here or
 * in {@link workerMain}: some transpilers wrap those in a helper the worker would not have.)
 */
export function workerLoop(start: WorkerStart, drainJobs: typeof drain): void {
  const L = start.layout;
  const ctl = new Int32Array(start.control);
  const instance = new WebAssembly.Instance(start.module, { env: { memory: start.memory } });
  const exports = instance.exports as unknown as { gemmF64: Gemm; gemmF32: Gemm };
  for (;;) {
    drainJobs(ctl, L, exports.gemmF64, exports.gemmF32, start.thread);
    if (Atomics.load(ctl, L.stop) === 1) return;
    const seen = Atomics.load(ctl, L.claim);
    // Spin a while before sleeping, since waking a sleeping thread takes 50–200 µs on a busy
    // machine: a training step issues products back to back, and a caller about to post one
    // wakes the pool first (wakePool), so the thread is spinning by the time the job comes.
    const until = performance.now() + L.SPIN_MS;
    while (Atomics.load(ctl, L.claim) === seen && performance.now() < until);
    if (Atomics.load(ctl, L.claim) === seen && Atomics.load(ctl, L.stop) !== 1) Atomics.wait(ctl, L.claim, seen);
  }
}

/** A worker's entry: waits for its start message, in Node's worker_threads or a Web Worker. */
export function workerMain(loop: typeof workerLoop, drainJobs: typeof drain): void {
  const scope = globalThis as unknown as {
    require?: (id: string) => { parentPort: { once(event: string, f: (data: WorkerStart) => void): void } };
    onmessage?: (event: { data: WorkerStart }) => void;
  };
  // Node runs this as an eval'd CommonJS script (require exists); a Web Worker has onmessage.
  if (typeof scope.require === 'function') {
    scope.require('node:worker_threads').parentPort.once('message', (start) => loop(start, drainJobs));
  } else {
    scope.onmessage = (event) => loop(event.data, drainJobs);
  }
}
