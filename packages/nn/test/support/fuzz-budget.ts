/**
 * The number of generated cases of every nn fuzz property (see the autograd table for the rest);
 * test/fuzz-total.test.ts adds both tables and asserts the total per run.
 */
import type { FuzzPlan } from '../../../autograd/test/support/fuzz.js';

/** nn fuzz properties → cases per run (fixed seeds, so runs replay exactly). */
export const NN_FUZZ = {
  'modules: inputs of the wrong width': { runs: 500, seed: 501 },
  'optimisers: parameters and options': { runs: 500, seed: 502 },
  'costs: mismatched outputs and targets': { runs: 500, seed: 503 },
  'json loader: malformed documents': { runs: 600, seed: 601 },
  'safetensors loader: hostile files': { runs: 1200, seed: 602 },
  'saved weights: round trips of any names, shapes and containers': { runs: 600, seed: 603 },
  'nn options: null, junk and misspelled': { runs: 600, seed: 504 },
} as const satisfies Record<string, FuzzPlan>;

/** The plan of one property. */
export function plan(name: keyof typeof NN_FUZZ): FuzzPlan {
  return NN_FUZZ[name];
}

/** Cases per run over every nn fuzz property. */
export const NN_FUZZ_TOTAL = Object.values(NN_FUZZ).reduce((n, p) => n + p.runs, 0);
