/**
 * jax-js (`@jax-js/jax`) set-up: its wasm device, and arrays built from our float64 data.
 *
 * jax-js is lazy: an operation only records work, which runs when a result is read. Every
 * measurement therefore ends by waiting for its outputs (`blockUntilReady`) or reading them
 * (`dataSync`), as the TensorFlow.js side does.
 */
import { blockUntilReady, defaultDevice, init, numpy as np } from '@jax-js/jax';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export { blockUntilReady, np };

/** Why the wasm device could not be used, or null once it works. */
let failure: string | null | undefined;

/**
 * Starts jax-js's wasm device and makes it the default. Returns null on success, or the reason
 * it is unavailable, so the suite reports it instead of dying.
 */
export async function useJaxWasm(): Promise<string | null> {
  if (failure === undefined) {
    try {
      const devices = await init('wasm');
      if (!devices.includes('wasm')) throw new Error(`init('wasm') started only [${devices.join(', ')}]`);
      defaultDevice('wasm');
      failure = null;
    } catch (e) {
      failure = e instanceof Error ? e.message : String(e);
    }
  }
  return failure;
}

/** The installed version of `@jax-js/jax`, for the report (its exports map hides package.json). */
export function jaxVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@jax-js/jax');
  const manifest = path.join(path.dirname(entry), '..', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** The jax-js dtypes we compare with ours (jax-js, unlike TensorFlow.js, has float64). */
export type JaxDType = 'float32' | 'float64';

/**
 * A jax-js array holding `values` in `dtype`, on the wasm device.
 *
 * float64 cannot be built from a Float64Array under Node 20: jax-js tests the data against
 * `Float16Array` first, a global that Node 20 lacks, so the call throws a ReferenceError.
 * Instead the float64 values are split into three float32 parts (x = hi + mid + lo, each the
 * float32 rounding of what remains), which jax-js accepts, and summed back in float64 in the
 * same order. Each part carries 24 of the 53 significand bits, so the sum is x exactly for
 * values in float32's normal range; a value the split cannot hold (beyond float32's range,
 * below its normal range, or -0) is refused rather than rounded.
 */
export function jaxArray(values: Float64Array, shape: readonly number[], dtype: JaxDType): np.Array {
  if (dtype === 'float32') return np.array(Float32Array.from(values)).reshape([...shape]);
  const hi = Float32Array.from(values);
  const mid = new Float32Array(values.length);
  const lo = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const rest = values[i]! - hi[i]!;
    mid[i] = rest;
    lo[i] = rest - mid[i]!;
    if (!Object.is(hi[i]! + mid[i]! + lo[i]!, values[i]!)) {
      throw new RangeError(
        `jaxArray: ${values[i]} (index ${i}) is not a sum of three float32 parts; keep float64 inputs within float32's normal range`,
      );
    }
  }
  const part = (p: Float32Array): np.Array => np.array(p).astype(np.float64);
  return part(hi)
    .add(part(mid))
    .add(part(lo))
    .reshape([...shape]);
}

/**
 * The time of the first call of a jitted function: jax-js traces and compiles on it, which takes
 * from milliseconds to seconds, so it is reported apart from the per-call figures.
 */
export class FirstCall {
  /** Seconds the first call took (trace, compile, one run), or null before it. */
  seconds: number | null = null;

  /** Runs `call` and records its time if it is the first; later calls are left to the harness. */
  async time(call: () => void | Promise<void>): Promise<void> {
    if (this.seconds !== null) return;
    const t0 = performance.now();
    await call();
    this.seconds = (performance.now() - t0) / 1000;
  }
}
