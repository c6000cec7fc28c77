/**
 * The number of generated cases of every fuzz property, per package, in one place so that the
 * total per run is visible and asserted (packages/nn/test/fuzz-total.test.ts). Each fuzz file
 * reads its plans from here; `fuzz()` fails if fewer cases ran than planned.
 */
import type { FuzzPlan } from './fuzz.js';

/** Autograd fuzz properties → cases per run (seeds are fixed so runs replay exactly). */
export const AUTOGRAD_FUZZ = {
  'tensor: nested arrays, ragged and junk': { runs: 1200, seed: 101 },
  'creation: sizes and dtypes': { runs: 800, seed: 102 },
  'binary ops: broadcasting and operand types': { runs: 1200, seed: 201 },
  'matmul: shapes and transposes': { runs: 800, seed: 202 },
  'reshape and broadcastTo': { runs: 800, seed: 203 },
  'reductions and softmax: axes': { runs: 800, seed: 204 },
  'permute, transpose, squeeze, unsqueeze': { runs: 600, seed: 205 },
  'slice, pad, concat, stack': { runs: 600, seed: 206 },
  'gather, takeAlongAxis, clamp, cast': { runs: 600, seed: 207 },
  'engine: released tapes, seeds, in-place edits': { runs: 600, seed: 301 },
  'custom ops: wrong gradients': { runs: 600, seed: 302 },
  'hooks and gradients(): wrong arguments': { runs: 400, seed: 303 },
  'engine: gradient buffers never alias': { runs: 400, seed: 304 },
  'stable ops: extreme and non-finite data': { runs: 600, seed: 401 },
  'options: null, junk and misspelled options everywhere': { runs: 1200, seed: 501 },
  'positional axes: same as the options form': { runs: 800, seed: 502 },
  'huge-but-empty shapes: no hang, no raw error': { runs: 600, seed: 503 },
} as const satisfies Record<string, FuzzPlan>;

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
export function plan(name: keyof typeof AUTOGRAD_FUZZ | keyof typeof NN_FUZZ): FuzzPlan {
  return name in AUTOGRAD_FUZZ
    ? AUTOGRAD_FUZZ[name as keyof typeof AUTOGRAD_FUZZ]
    : NN_FUZZ[name as keyof typeof NN_FUZZ];
}

/** Cases per run over every autograd fuzz property. */
export const AUTOGRAD_FUZZ_TOTAL = Object.values(AUTOGRAD_FUZZ).reduce((n, p) => n + p.runs, 0);

/** Cases per run over every nn fuzz property. */
export const NN_FUZZ_TOTAL = Object.values(NN_FUZZ).reduce((n, p) => n + p.runs, 0);
