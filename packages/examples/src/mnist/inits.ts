/**
 * The two weight initialisations of Nielsen's book, by the names the examples' flags use:
 * chapter 1's N(0, 1) for every weight and bias, and chapter 3's N(0, 1/n_in) for weights.
 */
import type { InitFunction, InitScheme } from '@tapegrad/nn';
import { OptionError } from '../errors.js';

/** Initial weight schemes: chapter 1's N(0, 1), or chapter 3's N(0, 1/n_in) for weights. */
export const INITS = ['normal', 'scaled'] as const;
/** An initial weight scheme the examples offer. */
export type InitName = (typeof INITS)[number];

/**
 * Weights N(0, 1/n_in), biases N(0, 1) (Nielsen, chapter 3): the weighted input of a hidden unit
 * then has variance about 1 instead of ~n_in/4, so sigmoids start unsaturated and learn at once.
 */
const scaledInit: InitFunction = (weight, bias, fanIn, _fanOut, rng) => {
  const s = 1 / Math.sqrt(fanIn);
  for (let i = 0; i < weight.length; i++) weight[i] = s * rng.normal();
  for (let i = 0; i < bias.length; i++) bias[i] = rng.normal();
};

/** nn's init scheme for a flag's name; throws {@link OptionError} for anything else. */
export function initScheme(name: InitName): InitScheme {
  if (name === 'normal') return 'normal';
  if (name === 'scaled') return scaledInit;
  throw new OptionError(`init must be one of ${INITS.join(', ')}, got ${String(name)}.`);
}
