/** Issue 11, items 12, 17 and 18: saved weights round-trip whatever the container and the names. */
import { describe, expect, it } from 'vitest';
import { Tensor, tensor, zeros } from '@tapegrad/autograd';
import {
  SerializationError,
  StateDictError,
  stateDictFromJSON,
  stateDictFromSafetensors,
  stateDictToJSON,
  stateDictToSafetensors,
} from '../src/index.js';

const entriesOf = (state: Map<string, Tensor>) => [...state].map(([k, t]) => [k, t.shape, Array.from(t.data)]);

describe('writers take plain objects, as loadStateDict does (item 12)', () => {
  it('stateDictToJSON({a: t}) and stateDictToSafetensors({a: t})', () => {
    const t = tensor([1, 2]);
    expect(entriesOf(stateDictFromJSON(stateDictToJSON({ a: t })))).toEqual([['a', [2], [1, 2]]]);
    expect(entriesOf(stateDictFromSafetensors(stateDictToSafetensors({ a: t })).tensors)).toEqual([['a', [2], [1, 2]]]);
  });
  it('junk containers and entries are named errors', () => {
    expect(() => stateDictToJSON(3 as never)).toThrow(StateDictError);
    expect(() => stateDictToJSON({ a: [1, 2] } as never)).toThrow(/entry 'a' is \[1, 2\], not a Tensor/);
    expect(() => stateDictToSafetensors(null as never)).toThrow(StateDictError);
  });
});

describe('safetensors reads any Uint8Array view (item 17)', () => {
  it('a Node Buffer from the shared pool', () => {
    const bytes = stateDictToSafetensors(
      new Map([
        [
          'w',
          tensor([
            [1, 2],
            [3, 4],
          ]),
        ],
      ]),
    );
    const buffer = Buffer.from(bytes); // small Buffers are views into an 8 KB pool
    expect(buffer.byteOffset + buffer.byteLength).toBeLessThanOrEqual(buffer.buffer.byteLength);
    expect(entriesOf(stateDictFromSafetensors(buffer).tensors)).toEqual([['w', [2, 2], [1, 2, 3, 4]]]);
  });
  it('a subarray at an odd offset of a larger buffer', () => {
    const bytes = stateDictToSafetensors(new Map([['w', tensor([0.5, -0.25], { dtype: 'float32' })]]));
    const big = new Uint8Array(bytes.length + 11);
    big.set(bytes, 3);
    const got = stateDictFromSafetensors(big.subarray(3, 3 + bytes.length)).tensors.get('w')!;
    expect([got.dtype, Array.from(got.data)]).toEqual(['float32', [0.5, -0.25]]);
  });
});

describe('names and metadata survive, or the writer refuses them (item 18)', () => {
  const named = (): Map<string, Tensor> =>
    new Map([
      ['__proto__', tensor([1, 2])],
      ['constructor', zeros([0])],
      ['toString', tensor([3])],
    ]);

  it('a tensor named __proto__ (and other Object.prototype names) round-trips through JSON', () => {
    expect(entriesOf(stateDictFromJSON(stateDictToJSON(named())))).toEqual(entriesOf(named()));
  });

  it('and through safetensors, empty entries included', () => {
    expect(entriesOf(stateDictFromSafetensors(stateDictToSafetensors(named())).tensors)).toEqual(entriesOf(named()));
    const empty = new Map([['__proto__', zeros([0, 3])]]);
    expect(entriesOf(stateDictFromSafetensors(stateDictToSafetensors(empty)).tensors)).toEqual(entriesOf(empty));
  });

  it('plain-object state dicts keep an own __proto__ key', () => {
    const state = JSON.parse('{"__proto__": 0}') as Record<string, unknown>;
    state['__proto__'] = tensor([7]);
    expect(entriesOf(stateDictFromJSON(stateDictToJSON(state as Record<string, Tensor>)))).toEqual([
      ['__proto__', [1], [7]],
    ]);
  });

  it('metadata: strings round-trip, a __proto__ key included', () => {
    const meta = JSON.parse('{"__proto__": "p", "epoch": "3"}') as Record<string, string>;
    const { metadata } = stateDictFromSafetensors(stateDictToSafetensors(new Map(), meta));
    expect(Object.entries(metadata)).toEqual([
      ['__proto__', 'p'],
      ['epoch', '3'],
    ]);
  });

  it.each<[string, unknown]>([
    ['a number', { epoch: 3 }],
    ['a bigint', { epoch: 3n }],
    ['a nested object', { nested: { a: 'b' } }],
    [
      'a cycle',
      (() => {
        const o: Record<string, unknown> = {};
        o.self = o;
        return o;
      })(),
    ],
    ['null', null],
    ['an array', ['a']],
  ])('metadata holding %s is refused by the writer, as the reader would', (_, metadata) => {
    expect(() => stateDictToSafetensors(new Map(), metadata as never)).toThrow(SerializationError);
  });
});
