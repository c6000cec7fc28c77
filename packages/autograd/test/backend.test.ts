import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { ArgumentError, Rng, backendReady, getBackend, setBackend, type FloatArray } from '@tapegrad/autograd';
import { gemm, gemmJs } from '../src/kernels/matmul.js';
import { wasmGemm } from '../src/kernels/wasm/gemm.js';
import { parseBackend } from '../src/kernels/backend.js';

/** The backend this process started on: TAPEGRAD_BACKEND when CI sets it, else automatic (wasm in Node 20). */
const initial = getBackend();

afterEach(() => {
  setBackend(initial);
  vi.unstubAllEnvs();
});

/** (|op(A)|·|op(B)|)[i, j]: the scale of the rounding-error bound of element (i, j). */
function absProduct(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  b: FloatArray,
): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++)
        s += Math.abs(a[transA ? p * m + i : i * k + p]! * b[transB ? j * k + p : p * n + j]!);
      out[i * n + j] = s;
    }
  }
  return out;
}

function filled(f64: boolean, size: number, rng: Rng): FloatArray {
  const x = f64 ? new Float64Array(size) : new Float32Array(size);
  for (let i = 0; i < size; i++) x[i] = rng.normal();
  return x;
}

describe('backend selection', () => {
  it('starts on wasm where SIMD128 validates, unless TAPEGRAD_BACKEND says otherwise', () => {
    expect(initial).toBe(process.env['TAPEGRAD_BACKEND'] || 'wasm');
  });

  it('switches with setBackend and reports it with getBackend', async () => {
    setBackend('js');
    expect(getBackend()).toBe('js');
    setBackend('wasm');
    expect(getBackend()).toBe('wasm');
    expect(await backendReady()).toBe('wasm');
  });

  it('refuses unknown names with a named error that lists the choices', () => {
    expect(() => setBackend('webgpu' as never)).toThrow(ArgumentError);
    expect(() => setBackend('WASM' as never)).toThrow(
      /setBackend: unknown backend "WASM"; expected one of 'js', 'wasm'/,
    );
    expect(() => parseBackend('TAPEGRAD_BACKEND', 'wsam')).toThrow(/TAPEGRAD_BACKEND: unknown backend "wsam"/);
  });

  it('reads TAPEGRAD_BACKEND at the first kernel call, and an invalid value is an ArgumentError', async () => {
    for (const [value, want] of [
      ['js', 'js'],
      ['wasm', 'wasm'],
      ['', 'wasm'],
    ] as const) {
      vi.resetModules();
      vi.stubEnv('TAPEGRAD_BACKEND', value);
      const fresh = await import('../src/kernels/backend.js');
      expect(fresh.getBackend()).toBe(want);
    }
    vi.resetModules();
    vi.stubEnv('TAPEGRAD_BACKEND', 'cuda');
    const bad = await import('../src/kernels/backend.js');
    const errors = await import('../src/errors.js'); // the class as loaded beside the fresh module
    expect(() => bad.getBackend()).toThrow(errors.ArgumentError);
    expect(() => bad.useWasm()).toThrow(/TAPEGRAD_BACKEND: unknown backend "cuda"/);
    bad.setBackend('js'); // an explicit choice overrides the environment
    expect(bad.getBackend()).toBe('js');
  });
});

// The documented agreement (docs/backends.md): for every element,
// |c_wasm − c_js| ≤ (k + 2)·ε·(|op(A)|·|op(B)|)[i, j], ε the output dtype's machine epsilon.
describe('wasm and js gemm agree to the documented bound', () => {
  const dims = fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 10, max: 80 }));
  for (const f64 of [true, false]) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`${f64 ? 'float64' : 'float32'}, transA=${transA}, transB=${transB}`, () => {
          fc.assert(
            fc.property(dims, dims, dims, fc.integer({ min: 0, max: 99 }), (m, n, k, seed) => {
              const rng = new Rng(seed);
              const a = filled(f64, m * k, rng);
              const b = filled(f64, k * n, rng);
              const js = f64 ? new Float64Array(m * n) : new Float32Array(m * n);
              const wasm = f64 ? new Float64Array(m * n) : new Float32Array(m * n);
              js.fill(0.5);
              wasm.fill(0.5);
              gemmJs(transA, transB, m, n, k, a, 0, b, 0, js, 0);
              expect(wasmGemm(transA, transB, m, n, k, a, 0, b, 0, wasm, 0)).toBe(wasm);
              const scale = absProduct(transA, transB, m, n, k, a, b);
              const eps = f64 ? Number.EPSILON : 2 ** -23;
              for (let i = 0; i < m * n; i++) {
                const bound = (k + 2) * eps * (scale[i]! + 0.5);
                if (Math.abs(wasm[i]! - js[i]!) > bound) expect.fail(`element ${i}: wasm ${wasm[i]}, js ${js[i]}`);
              }
            }),
            { numRuns: 25 },
          );
        });
      }
    }
  }

  it('crosses the packing blocks (k and n past 256) and regrows its arena between calls', () => {
    const rng = new Rng(9);
    for (const [m, n, k] of [
      [5, 6, 7],
      [33, 300, 520],
      [3, 2, 1],
      [70, 9, 600],
    ] as const) {
      const a = filled(true, m * k, rng);
      const b = filled(true, k * n, rng);
      const js = new Float64Array(m * n);
      const wasm = new Float64Array(m * n);
      gemmJs(false, true, m, n, k, a, 0, b.subarray(0, k * n), 0, js, 0);
      expect(wasmGemm(false, true, m, n, k, a, 0, b, 0, wasm, 0)).toBe(wasm);
      const scale = absProduct(false, true, m, n, k, a, b);
      for (let i = 0; i < m * n; i++)
        expect(Math.abs(wasm[i]! - js[i]!)).toBeLessThanOrEqual((k + 2) * 2 ** -52 * scale[i]!);
    }
  });

  it('reads offsets, widens float32 operands exactly into float64 outputs, and leaves the rest of c alone', () => {
    const rng = new Rng(10);
    const [m, n, k] = [19, 23, 31];
    const a = filled(false, 3 + m * k, rng);
    const b = filled(true, 5 + k * n, rng);
    const js = new Float64Array(4 + m * n + 2).fill(2);
    const wasm = new Float64Array(4 + m * n + 2).fill(2);
    gemmJs(true, false, m, n, k, a, 3, b, 5, js, 4);
    expect(wasmGemm(true, false, m, n, k, a, 3, b, 5, wasm, 4)).toBe(wasm);
    expect(Array.from(wasm.subarray(0, 4))).toEqual([2, 2, 2, 2]);
    expect(Array.from(wasm.subarray(4 + m * n))).toEqual([2, 2]);
    for (let i = 4; i < 4 + m * n; i++) expect(wasm[i]).toBeCloseTo(js[i]!, 12);
  });

  it('declines float32 outputs with a float64 operand (left to the js kernel, never narrowed)', () => {
    const c = new Float32Array(64 * 64);
    expect(
      wasmGemm(false, false, 64, 64, 64, new Float64Array(64 * 64), 0, new Float32Array(64 * 64), 0, c, 0),
    ).toBeNull();
    expect(
      wasmGemm(false, false, 64, 64, 64, new Float64Array(64 * 64), 0, new Float32Array(64 * 64), 0, 'float32'),
    ).toBeNull();
  });

  it('declines products whose arena would pass 2 GiB (the module addresses memory with i32 offsets)', () => {
    // Only the sizes are read before declining, so small stand-in arrays suffice.
    const x = new Float64Array(1);
    expect(wasmGemm(false, false, 20_000, 20_000, 20_000, x, 0, x, 0, new Float64Array(1), 0)).toBeNull();
    expect(wasmGemm(false, false, 20_000, 20_000, 20_000, x, 0, x, 0, 'float64')).toBeNull();
  });

  it('propagates NaN and ±Infinity like the js kernel, edge tiles included', () => {
    for (const size of [21, 64]) {
      const a = filled(true, size * size, new Rng(size));
      const b = filled(true, size * size, new Rng(size + 1));
      a[1] = Infinity;
      a[size * 2] = NaN;
      b.fill(0, 0, size);
      b[size + 1] = -Infinity;
      const js = new Float64Array(size * size);
      const wasm = new Float64Array(size * size);
      gemmJs(false, false, size, size, size, a, 0, b, 0, js, 0);
      setBackend('wasm');
      gemm(false, false, size, size, size, a, 0, b, 0, wasm, 0);
      for (let i = 0; i < size * size; i++) {
        if (!Number.isFinite(js[i]!)) expect(wasm[i]).toBe(js[i]);
        else expect(wasm[i]).toBeCloseTo(js[i]!, 10);
      }
    }
  });
});
