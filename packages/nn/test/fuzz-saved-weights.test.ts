/**
 * Saved weights round-trip, generated: any names (Object.prototype names and __proto__ included),
 * shapes with zero sizes, both dtypes, special values, Maps or plain objects, string metadata, and
 * byte views at any offset (Node Buffers from the shared pool). Whatever the writers accept the
 * readers give back bit for bit; and nn's options-taking functions refuse junk by name.
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { Rng, Tensor, type DType } from '@tapegrad/autograd';
import {
  BCECost,
  Linear,
  QuadraticCost,
  batchIndices,
  evaluate,
  mlp,
  resolveCost,
  stateDictFromJSON,
  stateDictFromSafetensors,
  stateDictToJSON,
  stateDictToSafetensors,
  trainTestSplit,
} from '@tapegrad/nn';
import { ArgumentError, TapegradError, tensor, zeros } from '@tapegrad/autograd';
import { check, expectNamedError, fuzz, junk, okOrNamed } from '../../../test-support/fuzz.js';
import { plan } from '../../../test-support/fuzz-budget.js';

const name = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'valueOf',
    '0',
    'weight',
    'layer.0.bias',
    'ü→∂',
  ),
  fc.string({ minLength: 1, maxLength: 8 }),
);
const value = fc.oneof(
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, Number.MIN_VALUE, Number.MAX_VALUE),
);
const entry = fc
  .tuple(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }), fc.constantFrom<DType>('float64', 'float32'))
  .chain(([shape, dtype]) =>
    fc
      .array(value, { minLength: shape.reduce((a, b) => a * b, 1), maxLength: shape.reduce((a, b) => a * b, 1) })
      .map((values) => {
        const data = dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
        return new Tensor(data, shape);
      }),
  );

/**
 * Same names and same tensors bit for bit. Order is not compared: both formats store names as keys
 * of a JSON object, where integer-like names ('0') come first whatever the order they were written in.
 */
function same(a: Map<string, Tensor>, b: Map<string, Tensor>): boolean {
  if (a.size !== b.size) return false;
  return [...a].every(([k, t]) => {
    const u = b.get(k);
    return (
      u !== undefined &&
      t.dtype === u.dtype &&
      JSON.stringify(t.shape) === JSON.stringify(u.shape) &&
      t.data.every((v, j) => Object.is(v, u.data[j]))
    );
  });
}

describe('fuzz: saved weights', () => {
  it(`round trips of any names, shapes and containers (${plan('saved weights: round trips of any names, shapes and containers').runs} cases)`, () => {
    fuzz(
      plan('saved weights: round trips of any names, shapes and containers'),
      fc.tuple(
        fc.uniqueArray(fc.tuple(name, entry), { maxLength: 5, selector: ([n]) => n }),
        fc.boolean(),
        fc.dictionary(name, fc.string({ maxLength: 5 }), { maxKeys: 3 }),
        fc.integer({ min: 0, max: 9 }),
        fc.boolean(),
      ),
      ([entries, asObject, metadata, offset, asBuffer]) => {
        const state = new Map(entries);
        // A plain object gets every name as an own key, __proto__ included (defineProperty, not =).
        const container = asObject
          ? entries.reduce<Record<string, Tensor>>(
              (o, [k, t]) => Object.defineProperty(o, k, { value: t, enumerable: true }),
              {},
            )
          : state;
        const viaJSON = okOrNamed(() => stateDictFromJSON(stateDictToJSON(container)));
        check(
          viaJSON.ok && same(state, viaJSON.value),
          () => `JSON round trip lost ${JSON.stringify([...state.keys()])}`,
        );
        const written = okOrNamed(() => stateDictToSafetensors(container, metadata));
        if (!written.ok) {
          // The only refusal the writer makes here: the reserved name.
          check(state.has('__metadata__'), () => `safetensors writer refused: ${written.error.message}`);
          return;
        }
        const padded = new Uint8Array(written.value.length + offset);
        padded.set(written.value, offset);
        const view = asBuffer ? Buffer.from(written.value) : padded.subarray(offset);
        const back = okOrNamed(() => stateDictFromSafetensors(view));
        check(
          back.ok && same(state, back.value.tensors),
          () => `safetensors round trip lost ${JSON.stringify([...state.keys()])}`,
        );
        if (back.ok)
          check(
            JSON.stringify(Object.entries(back.value.metadata)) === JSON.stringify(Object.entries(metadata)),
            () => 'metadata changed',
          );
      },
    );
  });

  it(`nn options: null, junk and misspelled (${plan('nn options: null, junk and misspelled').runs} cases)`, () => {
    const rng = () => new Rng(1);
    const takers: [string, readonly string[], (o: unknown) => unknown][] = [
      ['Linear', ['rng', 'init', 'dtype', 'bias'], (o) => new Linear(2, 1, o as never)],
      ['mlp', ['rng', 'activation', 'outputActivation', 'init', 'dtype'], (o) => mlp([2, 1], o as never)],
      ['QuadraticCost', ['reduction'], (o) => new QuadraticCost(o as never)],
      ['BCECost', ['reduction'], (o) => new BCECost(o as never)],
      ['resolveCost', ['reduction'], (o) => resolveCost('mse', o as never)],
      [
        'evaluate',
        ['cost', 'lambda', 'datasetSize', 'threshold'],
        (o) => evaluate(mlp([2, 1], { rng: rng() }), zeros([1, 2]), zeros([1, 1]), o as never),
      ],
      ['batches', ['batchSize', 'rng', 'shuffle', 'dropLast'], (o) => batchIndices(4, o as never)],
      [
        'trainTestSplit',
        ['rng', 'testFraction', 'stratify'],
        (o) => trainTestSplit(zeros([4, 1]), tensor([0, 1, 0, 1]), o as never),
      ],
      [
        'loadStateDict',
        ['strict'],
        (o) => mlp([2, 1], { rng: rng() }).loadStateDict(mlp([2, 1], { rng: rng() }).stateDict(), o as never),
      ],
    ];
    fuzz(
      plan('nn options: null, junk and misspelled'),
      fc.tuple(
        fc.integer({ min: 0, max: takers.length - 1 }),
        fc.oneof(junk, fc.tuple(fc.constantFrom('dim', 'weight_decay', 'reduce', 'bias_', 'seed'), junk)),
      ),
      ([i, o]) => {
        const [where, accepted, call] = takers[i]!;
        if (Array.isArray(o)) {
          const [k, v] = o as [string, unknown];
          const base = accepted.includes('rng') ? { rng: rng() } : {};
          expectNamedError(() => call({ ...base, [k]: v }), ArgumentError, [`'${k}'`]);
          return;
        }
        const r = okOrNamed(() => call(o));
        if (o === null) check(!r.ok && r.error instanceof TapegradError, () => `${where}(null) passed`);
      },
    );
  });
});
