import { ArgumentError, Rng, type FloatArray } from '@tapegrad/autograd';
import { describeValue } from './util.js';

/**
 * How a {@link Linear} layer's weight [out, in] and bias [out] are drawn:
 * - `'normal'`: every weight and bias from N(0, 1), as in Nielsen's book (network.py).
 * - `'xavier'`: weights from U(−r, r) with r = √(6 / (in + out)) (Glorot & Bengio), biases 0.
 * - `'xavierNormal'`: weights from N(0, 2 / (in + out)), biases 0.
 * - `'he'`: weights from N(0, 2 / in) (He et al., for ReLU), biases 0.
 * - a function that fills both arrays itself (it receives the layer sizes and the generator).
 */
export type InitScheme = 'normal' | 'xavier' | 'xavierNormal' | 'he' | InitFunction;

/** A custom initialiser: fills `weight` (row-major [out, in]) and `bias` [out] in place. */
export type InitFunction = (weight: FloatArray, bias: FloatArray, fanIn: number, fanOut: number, rng: Rng) => void;

/** The names accepted as an {@link InitScheme} string. */
export const INIT_SCHEMES = ['normal', 'xavier', 'xavierNormal', 'he'] as const;

/**
 * Fills a layer's weight and bias in place from `rng`. Weights are drawn first, row by row,
 * then biases, so the same seed always gives the same bits.
 */
export function initLinear(
  weight: FloatArray,
  bias: FloatArray,
  fanIn: number,
  fanOut: number,
  scheme: InitScheme,
  rng: Rng,
): void {
  if (!(rng instanceof Rng)) {
    throw new ArgumentError(`init: pass a seeded generator, e.g. { rng: new Rng(42) }; randomness is never implicit.`);
  }
  if (typeof scheme === 'function') {
    scheme(weight, bias, fanIn, fanOut, rng);
    return;
  }
  switch (scheme) {
    case 'normal':
      for (let i = 0; i < weight.length; i++) weight[i] = rng.normal();
      for (let i = 0; i < bias.length; i++) bias[i] = rng.normal();
      return;
    case 'xavier': {
      const r = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < weight.length; i++) weight[i] = (2 * rng.uniform() - 1) * r;
      bias.fill(0);
      return;
    }
    case 'xavierNormal': {
      const s = Math.sqrt(2 / (fanIn + fanOut));
      for (let i = 0; i < weight.length; i++) weight[i] = s * rng.normal();
      bias.fill(0);
      return;
    }
    case 'he': {
      const s = Math.sqrt(2 / fanIn);
      for (let i = 0; i < weight.length; i++) weight[i] = s * rng.normal();
      bias.fill(0);
      return;
    }
    default:
      throw new ArgumentError(
        `init: unknown scheme ${describeValue(scheme)}; use one of ${INIT_SCHEMES.join(', ')} or a function.`,
      );
  }
}
