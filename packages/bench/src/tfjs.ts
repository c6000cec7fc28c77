/**
 * TensorFlow.js set-up: the union package (tfjs-core alone registers no gradients under Node),
 * with the backend chosen explicitly for every measurement.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';

export { tf };

/** The tfjs backends we compare against. */
export type TfBackend = 'cpu' | 'wasm';

/** Why the wasm backend could not be used, or null once it works. */
let wasmFailure: string | null | undefined;

/**
 * Under Node the wasm backend fetches its .wasm binary from a path relative to the page, which
 * does not exist; point it at the dist folder of the installed package instead.
 */
function configureWasm(): void {
  const require = createRequire(import.meta.url);
  const wasmFile = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
  setWasmPaths(path.dirname(wasmFile) + path.sep);
}

/**
 * Makes `backend` current. Returns null on success, or the reason it is unavailable (only wasm
 * can fail: missing binary, no WebAssembly, ...), so the suite can report it instead of dying.
 */
export async function useBackend(backend: TfBackend): Promise<string | null> {
  if (backend === 'wasm') {
    if (wasmFailure === undefined) {
      try {
        configureWasm();
        if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
        await tf.ready();
        wasmFailure = null;
      } catch (e) {
        wasmFailure = e instanceof Error ? e.message : String(e);
      }
    }
    if (wasmFailure !== null) return wasmFailure;
  }
  if (!(await tf.setBackend(backend))) return `tf.setBackend("${backend}") returned false`;
  await tf.ready();
  return null;
}

/** A description of the wasm build in use (SIMD, threads), for the report. */
export async function wasmFeatures(): Promise<string> {
  if (wasmFailure !== null) return `unavailable: ${wasmFailure ?? 'not initialised'}`;
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return `SIMD ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off'}`;
}
