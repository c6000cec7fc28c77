/**
 * Weight files from strangers: the JSON and safetensors loaders fuzzed with truncated files,
 * lying header lengths, out-of-range and overlapping offsets, unknown dtypes, shapes whose
 * product overflows or disagrees with the byte count, and huge declared sizes. Each is refused
 * with a SerializationError, and never after allocating storage for the declared size.
 */
import { afterEach, beforeEach, describe, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '@tapegrad/autograd';
import {
  SerializationError,
  mlp,
  stateDictFromJSON,
  stateDictFromSafetensors,
  stateDictToJSON,
  stateDictToSafetensors,
} from '@tapegrad/nn';
import { check, fuzz, okOrNamed } from '../../../test-support/fuzz.js';
import { plan } from '../../../test-support/fuzz-budget.js';

const net = mlp([3, 2, 1], { rng: new Rng(7) });
const goodBytes = stateDictToSafetensors(net.stateDict());
const goodJSON = stateDictToJSON(net.stateDict());

/**
 * Typed-array constructors that record the largest length requested, so a loader that
 * allocates for a declared (lying) size is caught even when the allocation would succeed.
 */
let largest = 0;
const originals = { F64: globalThis.Float64Array, F32: globalThis.Float32Array };
function spy<T extends Float64ArrayConstructor | Float32ArrayConstructor>(C: T): T {
  return new Proxy(C, {
    construct(target, args: unknown[]) {
      if (typeof args[0] === 'number') largest = Math.max(largest, args[0]);
      return Reflect.construct(target, args) as object;
    },
  });
}
beforeEach(() => {
  largest = 0;
  globalThis.Float64Array = spy(originals.F64);
  globalThis.Float32Array = spy(originals.F32);
});
afterEach(() => {
  globalThis.Float64Array = originals.F64;
  globalThis.Float32Array = originals.F32;
});

/** Builds a safetensors file from a header object (or raw header text) and a data section. */
function file(header: unknown, dataBytes: number, lieLength?: number, raw?: string): Uint8Array {
  const json = new TextEncoder().encode(raw ?? JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  const view = new DataView(out.buffer);
  const n = lieLength ?? json.length;
  view.setUint32(0, n % 2 ** 32, true);
  view.setUint32(4, Math.floor(n / 2 ** 32), true);
  out.set(json, 8);
  return out;
}

const huge = fc.constantFrom(2 ** 31, 2 ** 40, 2 ** 53 - 1, 2 ** 53, 1e300, -1, 1.5, NaN);
const size = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 4 }) }, { weight: 1, arbitrary: huge });
const entry = fc.record({
  dtype: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('F64', 'F32') },
    { weight: 1, arbitrary: fc.constantFrom('I64', 'BF16', 'f64', 'toString', 'constructor', '__proto__', '') },
    { weight: 1, arbitrary: fc.anything() },
  ),
  shape: fc.oneof({ weight: 6, arbitrary: fc.array(size, { maxLength: 3 }) }, { weight: 1, arbitrary: fc.anything() }),
  data_offsets: fc.oneof(
    {
      weight: 6,
      arbitrary: fc.tuple(
        size.map((n) => n * 8),
        size.map((n) => n * 8),
      ),
    },
    { weight: 1, arbitrary: fc.anything() },
  ),
});

describe('fuzz: loading weight files from strangers', () => {
  it('the allocation spy sees the loaders allocate (so its silence below means something)', () => {
    stateDictFromJSON(goodJSON);
    check(largest === 6, () => `spy saw ${largest}`);
  });

  it(`safetensors: truncated, lying, overlapping, overflowing (${plan('safetensors loader: hostile files').runs} cases)`, () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat({ max: goodBytes.length - 1 }) }),
      fc.record({
        kind: fc.constant('flip' as const),
        at: fc.nat({ max: goodBytes.length - 1 }),
        to: fc.integer({ min: 0, max: 255 }),
      }),
      fc.record({
        kind: fc.constant('lie' as const),
        length: fc.oneof(
          fc.nat({ max: 400 }),
          huge.filter((n) => Number.isInteger(n) && n >= 0),
        ),
      }),
      fc.record({
        kind: fc.constant('header' as const),
        entries: fc.dictionary(fc.constantFrom('a', 'b', 'c', '__metadata__'), entry, { maxKeys: 3 }),
        data: fc.nat({ max: 64 }),
      }),
      fc.record({ kind: fc.constant('raw' as const), text: fc.string({ maxLength: 20 }) }),
    );
    fuzz(plan('safetensors loader: hostile files'), mutation, (m) => {
      largest = 0;
      let bytes: Uint8Array;
      if (m.kind === 'truncate') bytes = goodBytes.slice(0, m.at);
      else if (m.kind === 'flip') (bytes = goodBytes.slice())[m.at] = m.to;
      else if (m.kind === 'lie') bytes = file(null, 0, m.length, new TextDecoder().decode(goodBytes.subarray(8)));
      else if (m.kind === 'header') bytes = file(m.entries, m.data);
      else bytes = file(null, 0, undefined, m.text);
      const r = okOrNamed(() => stateDictFromSafetensors(bytes), ['stateDictFromSafetensors']);
      if (!r.ok)
        check(
          r.error instanceof SerializationError,
          () => `expected SerializationError, got ${r.error.constructor.name}: ${r.error.message}`,
        );
      // Accepted or not, nothing may be allocated beyond what the file's bytes can hold.
      check(largest <= bytes.length, () => `allocated ${largest} elements for a ${bytes.length}-byte file`);
      if (r.ok)
        for (const t of r.value.tensors.values())
          check(t.size * (t.dtype === 'float64' ? 8 : 4) <= bytes.length, () => 'a tensor larger than the file');
    });
  });

  it(`JSON: malformed documents, unknown dtypes, lying shapes (${plan('json loader: malformed documents').runs} cases)`, () => {
    const tensorEntry = fc.record({
      dtype: fc.oneof(fc.constantFrom('float64', 'float32', 'int8'), fc.anything()),
      shape: fc.oneof(
        { weight: 5, arbitrary: fc.array(size, { maxLength: 3 }) },
        { weight: 1, arbitrary: fc.anything() },
      ),
      data: fc.oneof(
        {
          weight: 5,
          arbitrary: fc.array(
            fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom('NaN', '-0', 'x')),
            { maxLength: 6 },
          ),
        },
        { weight: 1, arbitrary: fc.anything() },
      ),
    });
    const doc = fc.oneof(
      fc
        .record({
          format: fc.constantFrom('tapegrad-state-dict', 'other'),
          version: fc.constantFrom(1, 2),
          tensors: fc.dictionary(fc.string({ maxLength: 3 }), tensorEntry, { maxKeys: 3 }),
        })
        .map((d) => JSON.stringify(d)),
      fc.nat({ max: goodJSON.length }).map((n) => goodJSON.slice(0, n)),
      fc.json(),
      fc.string({ maxLength: 12 }),
    );
    fuzz(plan('json loader: malformed documents'), doc, (text) => {
      largest = 0;
      const r = okOrNamed(() => stateDictFromJSON(text), ['stateDictFromJSON']);
      if (!r.ok)
        check(
          r.error instanceof SerializationError,
          () => `expected SerializationError, got ${r.error.constructor.name}: ${r.error.message}`,
        );
      check(largest <= text.length, () => `allocated ${largest} elements for a ${text.length}-character document`);
    });
  });
});
