/**
 * Which kernels run: the WebAssembly SIMD128 module ('wasm') or the TypeScript loops ('js').
 *
 * By default the choice is automatic: wasm wherever its module validates and has loaded, else js.
 * The environment variable `TAPEGRAD_BACKEND=js|wasm` (read once, at the first kernel call) and
 * {@link setBackend} override it. Tensors are ordinary TypedArrays either way; results agree
 * across backends to rounding (see `docs/backends.md` for the bound).
 */
import { ArgumentError } from '../errors.js';
import { envVar } from '../process.js';
import { wasmSettled, wasmState } from './wasm/instance.js';

/** A kernel backend: `'wasm'` (WebAssembly SIMD128) or `'js'` (TypeScript loops). */
export type BackendName = 'js' | 'wasm';

const NAMES: readonly BackendName[] = ['js', 'wasm'];

/** null: automatic; undefined: not yet resolved from the environment. */
let chosen: BackendName | null | undefined;

/** Checks a backend name, naming `where` it came from in the error. */
export function parseBackend(where: string, value: unknown): BackendName {
  if (value === 'js' || value === 'wasm') return value;
  throw new ArgumentError(
    `${where}: unknown backend ${JSON.stringify(value)}; expected one of ${NAMES.map((n) => `'${n}'`).join(', ')}.`,
  );
}

function requireWasm(where: string): void {
  const state = wasmState();
  if (state === 'ready') return;
  throw new ArgumentError(
    state === 'pending'
      ? `${where}: the wasm backend is still compiling; await backendReady() first, or use 'js'.`
      : `${where}: the wasm backend is unavailable here (WebAssembly SIMD128 did not validate); use 'js'.`,
  );
}

function resolved(): BackendName | null {
  if (chosen !== undefined) return chosen;
  const env = envVar('TAPEGRAD_BACKEND');
  if (env === undefined) {
    chosen = null;
  } else {
    const name = parseBackend('TAPEGRAD_BACKEND', env);
    if (name === 'wasm') requireWasm('TAPEGRAD_BACKEND=wasm');
    chosen = name;
  }
  return chosen;
}

/**
 * Selects the kernels every later op runs on. `'wasm'` throws ArgumentError where WebAssembly
 * SIMD128 is unavailable (or, in a browser, still compiling: await {@link backendReady}).
 * Overrides `TAPEGRAD_BACKEND`.
 */
export function setBackend(name: BackendName): void {
  const backend = parseBackend('setBackend', name);
  if (backend === 'wasm') requireWasm('setBackend');
  chosen = backend;
}

/** The backend ops run on now: the one set, else wasm where it has loaded, else js. */
export function getBackend(): BackendName {
  return resolved() ?? (wasmState() === 'ready' ? 'wasm' : 'js');
}

/**
 * Resolves to the backend once automatic selection has settled. Node loads the module
 * synchronously; a browser main thread may compile it in the background, running on 'js' meanwhile.
 */
export async function backendReady(): Promise<BackendName> {
  await wasmSettled;
  return getBackend();
}

/** True when the wasm kernels should run (the hot-path check: one comparison once resolved). */
export function useWasm(): boolean {
  const c = chosen === undefined ? resolved() : chosen;
  return c === null ? wasmState() === 'ready' : c === 'wasm';
}
