import { describe, expect, it } from 'vitest';
import { ArgumentError, checkOptions } from '../src/index.js';

describe('checkOptions', () => {
  it('returns the options, and {} for undefined', () => {
    const o: { axis?: number; keepdims?: boolean } = { axis: 1 };
    expect(checkOptions('sum', o, ['axis', 'keepdims'])).toBe(o);
    expect(checkOptions<{ axis?: number }>('sum', undefined, ['axis'])).toEqual({});
  });

  it.each([
    ['keepdim', 'keepdims'],
    ['dim', 'axis'],
    ['create_graph', 'createGraph'],
    ['weight_decay', 'weightDecay'],
    ['keepDims', 'keepdims'],
    ['axsi', 'axis'],
  ])('names %s, the accepted keys, and suggests %s', (key, meant) => {
    const accepted = ['axis', 'keepdims', 'createGraph', 'weightDecay'] as const;
    expect(() => checkOptions('mean', { [key]: 1 } as object, accepted as never)).toThrow(
      new ArgumentError(
        `mean: unknown option '${key}' (did you mean '${meant}'?); accepted: axis, keepdims, createGraph, weightDecay.`,
      ),
    );
  });

  it('suggests nothing for a key unlike any accepted one', () => {
    expect(() => checkOptions('sum', { colour: 'red' } as object, ['axis'] as never)).toThrow(
      /unknown option 'colour'; accepted: axis\.$/,
    );
  });

  it.each([null, 3, 'axis', [0], true])('refuses %p as options with a named error', (bad) => {
    expect(() => checkOptions('zeros', bad as never, ['dtype'] as never)).toThrow(ArgumentError);
    expect(() => checkOptions('zeros', bad as never, ['dtype'] as never)).toThrow(/^zeros: options must be an object/);
  });
});
