/**
 * The costs the examples offer on the command line, and nn's name for each. "cross-entropy" is
 * the per-unit binary cross-entropy on sigmoid outputs of Nielsen's chapter 3 (nn's BCECost), whose
 * δ^L = a^L − y no longer carries the σ′(z^L) factor that slows the quadratic cost down.
 */
import { resolveCost, type Cost, type CostName as NnCostName, type Reduction } from '@tapegrad/nn';
import { OptionError } from '../errors.js';

/** The costs, by their command-line names. */
export const COSTS = ['quadratic', 'cross-entropy'] as const;
/** A cost offered by the examples. */
export type CostName = (typeof COSTS)[number];

const NN_NAMES: Record<CostName, NnCostName> = { quadratic: 'quadratic', 'cross-entropy': 'cross-entropy' };

/** nn's name for a command-line cost; throws {@link OptionError} for anything else. */
export function nnCostName(cost: CostName): NnCostName {
  if (!(COSTS as readonly string[]).includes(cost))
    throw new OptionError(`cost must be one of ${COSTS.join(', ')}, got ${String(cost)}.`);
  return NN_NAMES[cost];
}

/** The cost object; `reduction: 'sum'` makes each row of ∂C/∂Z^l one sample's δ^l. */
export function makeCost(cost: CostName, reduction: Reduction = 'mean'): Cost {
  return resolveCost(nnCostName(cost), { reduction });
}
