/**
 * Loading the SIMD128 kernels module and owning its memory.
 *
 * The bytes are embedded (module.generated.ts), so loading needs no fetch and no file read. The
 * memory is created here and imported by the module, never allocated by it: a later worker pool
 * can pass the same `WebAssembly.Memory` (made shared) to every thread's instance.
 */
import { KERNELS_WASM_BASE64, KERNELS_WASM_SHARED_BASE64 } from './module.generated.js';

/** The module's exports (see assembly/kernels.ts for their contracts). */
export interface KernelExports {
  gemmScratchBytes(size: number): number;
  gemmF64: GemmEntry;
  gemmF32: GemmEntry;
}

type GemmEntry = (
  transA: number,
  transB: number,
  m: number,
  n: number,
  k: number,
  a: number,
  b: number,
  c: number,
  rowStart: number,
  rowEnd: number,
  colStart: number,
  colEnd: number,
  scratch: number,
) => void;

/** A loaded module with its memory. */
export interface WasmKernels {
  readonly exports: KernelExports;
  readonly memory: WebAssembly.Memory;
  /** The compiled module, which worker threads instantiate on the same memory when it is shared. */
  readonly module: WebAssembly.Module;
  /** Whether `memory` is a shared memory (so worker threads can compute in it). */
  readonly shared: boolean;
}

/** Pages of the shared memory's declared maximum (2 GiB), matching scripts/build-wasm.mjs. */
const SHARED_MAXIMUM = 32768;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** 'ready' once instantiated, 'pending' while an asynchronous compile runs, 'unavailable' if SIMD128 does not validate. */
export type WasmState = 'ready' | 'pending' | 'unavailable';

let state: WasmState = 'unavailable';
let kernels: WasmKernels | null = null;
const listeners: Array<() => void> = [];

/** Resolves once the module has loaded or is known to be unavailable. */
export const wasmSettled: Promise<WasmState> = new Promise((resolve) => {
  listeners.push(() => resolve(state));
});

function settle(next: WasmState, loaded: WasmKernels | null): void {
  state = next;
  kernels = loaded;
  for (const listener of listeners.splice(0)) listener();
}

function imports(memory: WebAssembly.Memory): WebAssembly.Imports {
  return { env: { memory } };
}

/**
 * A shared memory where the page may have one: SharedArrayBuffer exists only with cross-origin
 * isolation in browsers (always in Node), and the engine may still refuse a shared memory.
 */
function sharedMemory(): WebAssembly.Memory | null {
  if (typeof SharedArrayBuffer !== 'function') return null;
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAXIMUM, shared: true });
  } catch {
    return null;
  }
}

function load(): void {
  if (typeof WebAssembly !== 'object') return settle('unavailable', null);
  let memory = sharedMemory();
  let bytes = decode(memory === null ? KERNELS_WASM_BASE64 : KERNELS_WASM_SHARED_BASE64);
  // validate() is false where the engine lacks SIMD128 or threads (or WebAssembly is restricted).
  if (memory !== null && !WebAssembly.validate(bytes)) {
    memory = null;
    bytes = decode(KERNELS_WASM_BASE64);
  }
  if (!WebAssembly.validate(bytes)) return settle('unavailable', null);
  const mem = memory ?? new WebAssembly.Memory({ initial: 1 });
  const shared = memory !== null;
  try {
    const module = new WebAssembly.Module(bytes);
    const instance = new WebAssembly.Instance(module, imports(mem));
    settle('ready', { exports: instance.exports as unknown as KernelExports, memory: mem, module, shared });
  } catch {
    // Browsers may refuse synchronous compiles on the main thread; the TypeScript kernels serve
    // until the asynchronous compile lands.
    state = 'pending';
    WebAssembly.instantiate(bytes, imports(mem)).then(
      ({ module, instance }) =>
        settle('ready', { exports: instance.exports as unknown as KernelExports, memory: mem, module, shared }),
      () => settle('unavailable', null),
    );
  }
}

load();

/** The loaded module, or null while pending or where unavailable. */
export function wasmKernels(): WasmKernels | null {
  return kernels;
}

/** Whether the module is loaded, still compiling, or unavailable here. */
export function wasmState(): WasmState {
  return state;
}
