import { describe, expect, it } from 'vitest';
import { Rng, randn, noGrad, tensor, TapegradError } from '@tapegrad/autograd';
import {
  mlp,
  SerializationError,
  StateDictError,
  stateDictToJSON,
  stateDictFromJSON,
  stateDictToSafetensors,
  stateDictFromSafetensors,
  type StateDict,
} from '@tapegrad/nn';

function trainedLikeNet(seed: number) {
  return mlp([3, 5, 2], { rng: new Rng(seed), init: 'xavier' });
}

/** Builds a safetensors file from a raw header object and data bytes, to craft malformed inputs. */
function craft(header: unknown, data: Uint8Array, claimedLength?: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, claimedLength ?? json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('saving and loading', () => {
  it('JSON round trip restores every bit and the same outputs', () => {
    const a = trainedLikeNet(1);
    const b = trainedLikeNet(2);
    b.loadStateDict(stateDictFromJSON(stateDictToJSON(a.stateDict())));
    const x = randn([4, 3], { rng: new Rng(3) });
    const [ya, yb] = noGrad(() => [a.forward(x), b.forward(x)]);
    expect(Array.from(yb!.data)).toEqual(Array.from(ya!.data));
    for (const [name, t] of a.stateDict())
      expect(Array.from(b.stateDict().get(name)!.data)).toEqual(Array.from(t.data));
  });

  it('JSON keeps NaN, ±Infinity and −0', () => {
    const state: StateDict = new Map([['w', tensor([NaN, Infinity, -Infinity, -0, 0.1 + 0.2])]]);
    const back = stateDictFromJSON(stateDictToJSON(state)).get('w')!;
    expect(Number.isNaN(back.data[0])).toBe(true);
    expect(back.data[1]).toBe(Infinity);
    expect(back.data[2]).toBe(-Infinity);
    expect(Object.is(back.data[3], -0)).toBe(true);
    expect(back.data[4]).toBe(0.1 + 0.2);
  });

  it('safetensors round trip restores every bit, with metadata and float32', () => {
    const a = trainedLikeNet(4);
    const bytes = stateDictToSafetensors(a.stateDict(), { note: 'xor' });
    const view = new DataView(bytes.buffer);
    const n = view.getUint32(0, true);
    expect(view.getUint32(4, true)).toBe(0);
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header['0.weight']).toEqual({ dtype: 'F64', shape: [5, 3], data_offsets: [0, 120] });
    const { tensors, metadata } = stateDictFromSafetensors(bytes);
    expect(metadata).toEqual({ note: 'xor' });
    const b = trainedLikeNet(5);
    b.loadStateDict(tensors);
    const x = randn([4, 3], { rng: new Rng(6) });
    expect(Array.from(noGrad(() => b.forward(x)).data)).toEqual(Array.from(noGrad(() => a.forward(x)).data));
    const f32 = stateDictFromSafetensors(
      stateDictToSafetensors(new Map([['h', tensor([1.5, -2], { dtype: 'float32' })]])),
    ).tensors.get('h')!;
    expect(f32.dtype).toBe('float32');
    expect(Array.from(f32.data)).toEqual([1.5, -2]);
  });

  describe('rejects malformed safetensors with a SerializationError', () => {
    const good = stateDictToSafetensors(
      new Map([
        ['a', tensor([1, 2])],
        ['b', tensor([[3]])],
      ]),
    );
    const data = new Uint8Array(24);
    const cases: [string, Uint8Array, RegExp][] = [
      ['shorter than the length field', good.subarray(0, 5), /fewer than the 8-byte/],
      ['truncated data', good.subarray(0, good.length - 3), /cover|outside/],
      ['truncated header', good.subarray(0, 20), /claims .* but only/],
      [
        'a lying header length (huge)',
        (() => {
          const c = good.slice();
          new DataView(c.buffer).setUint32(4, 7, true);
          return c;
        })(),
        /limit/,
      ],
      [
        'a lying header length (just too long)',
        (() => {
          const c = good.slice();
          new DataView(c.buffer).setUint32(0, good.length, true);
          return c;
        })(),
        /claims .* but only/,
      ],
      ['a header that is not JSON', craft('x', data, 2), /not valid UTF-8 JSON/],
      ['a header that is an array', craft([1], data), /must be a JSON object/],
      ['offsets out of range', craft({ a: { dtype: 'F64', shape: [3], data_offsets: [0, 32] } }, data), /outside/],
      ['reversed offsets', craft({ a: { dtype: 'F64', shape: [0], data_offsets: [8, 0] } }, data), /outside/],
      [
        'overlapping offsets',
        craft(
          {
            a: { dtype: 'F64', shape: [2], data_offsets: [0, 16] },
            b: { dtype: 'F64', shape: [2], data_offsets: [8, 24] },
          },
          data,
        ),
        /overlaps/,
      ],
      [
        'a gap in the data',
        craft({ a: { dtype: 'F64', shape: [2], data_offsets: [8, 24] } }, data),
        /belong to no tensor/,
      ],
      ['an unknown dtype', craft({ a: { dtype: 'BF16', shape: [12], data_offsets: [0, 24] } }, data), /dtype "BF16"/],
      [
        'a shape/byte-length mismatch',
        craft({ a: { dtype: 'F64', shape: [2, 2], data_offsets: [0, 24] } }, data),
        /32 bytes\) but data_offsets span 24/,
      ],
      ['a negative shape', craft({ a: { dtype: 'F64', shape: [-3], data_offsets: [0, 24] } }, data), /invalid shape/],
      [
        'non-string metadata',
        craft({ __metadata__: { k: 1 }, a: { dtype: 'F64', shape: [3], data_offsets: [0, 24] } }, data),
        /not a string/,
      ],
    ];
    for (const [what, bytes, message] of cases) {
      it(what, () => {
        let caught: unknown;
        try {
          stateDictFromSafetensors(bytes);
        } catch (e) {
          caught = e;
        }
        expect(caught).toBeInstanceOf(SerializationError);
        expect(caught).toBeInstanceOf(TapegradError);
        expect((caught as Error).message).toMatch(message);
      });
    }
  });

  it('loadStateDict validates names, shapes and dtypes and leaves the module unchanged on error', () => {
    const net = trainedLikeNet(7);
    const before = Array.from(net.stateDict().get('0.weight')!.data);
    const state = net.stateDict();
    state.set('0.weight', tensor(new Float64Array(15), { shape: [5, 3] }));
    state.delete('2.bias');
    expect(() => net.loadStateDict(state)).toThrow(StateDictError);
    expect(() => net.loadStateDict(state)).toThrow(/missing: 2\.bias/);
    const wrongShape = net.stateDict();
    wrongShape.set('2.bias', tensor([1, 2, 3]));
    expect(() => net.loadStateDict(wrongShape)).toThrow(/'2\.bias' has shape \[3\]/);
    const wrongDtype = net.stateDict();
    wrongDtype.set('2.bias', tensor([1, 2], { dtype: 'float32' }));
    expect(() => net.loadStateDict(wrongDtype)).toThrow(/float32 in the state dict but float64/);
    expect(Array.from(net.stateDict().get('0.weight')!.data)).toEqual(before);
    expect(() => stateDictFromJSON('{"format":"other"}')).toThrow(SerializationError);
    expect(() =>
      stateDictFromJSON(
        '{"format":"tapegrad-state-dict","version":1,"tensors":{"w":{"dtype":"float64","shape":[2],"data":[1]}}}',
      ),
    ).toThrow(/1 values but shape \[2\] needs 2/);
  });
});
