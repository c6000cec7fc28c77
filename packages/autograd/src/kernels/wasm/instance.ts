/**
 * Loading the SIMD128 kernels module and owning its memory.
 *
 * The bytes are embedded (module.generated.ts), so loading needs no fetch and no file read. The
 * memory is created here and imported by the module, never allocated by it: a later worker pool
 * can pass the same `WebAssembly.Memory` (made shared) to every thread's instance.
 */
import { KERNELS_WASM_BASE64 } from './module.generated.js';

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
}

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

function load(): void {
  if (typeof WebAssembly !== 'object') return settle('unavailable', null);
  const bytes = decode(KERNELS_WASM_BASE64);
  // validate() is false where the engine lacks SIMD128 (or WebAssembly is restricted).
  if (!WebAssembly.validate(bytes)) return settle('unavailable', null);
  const memory = new WebAssembly.Memory({ initial: 1 });
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports(memory));
    settle('ready', { exports: instance.exports as unknown as KernelExports, memory });
  } catch {
    // Browsers may refuse synchronous compiles on the main thread; the TypeScript kernels serve
    // until the asynchronous compile lands.
    state = 'pending';
    WebAssembly.instantiate(bytes, imports(memory)).then(
      ({ instance }) => settle('ready', { exports: instance.exports as unknown as KernelExports, memory }),
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
