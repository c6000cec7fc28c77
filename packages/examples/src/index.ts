/**
 * `@tapegrad/examples`: runnable programs on real data. Each example is a `run…(options)`
 * function returning its results (the tests call these in-process) plus a thin CLI in `main.ts`.
 * @packageDocumentation
 */
export * from './errors.js';
export * from './data/mnist.js';
export { parseIdx, readIdx, type IdxArray } from './data/idx.js';
export * from './plot/charts.js';
export { createProgress, shouldShowProgress, type Progress, type ProgressOptions } from './cli/progress.js';
export { COSTS, type CostName } from './common/costs.js';
export {
  runMnist,
  MNIST_DEFAULTS,
  MNIST_QUICK,
  INITS,
  type InitName,
  type MnistOptions,
  type MnistResult,
} from './mnist/run.js';
export { type EpochRecord } from './mnist/plots.js';
export { initScheme } from './mnist/inits.js';
export {
  runNielsen,
  trainRow,
  NIELSEN_DEFAULT_ROWS,
  NIELSEN_DEFAULT_SEEDS,
  type NielsenOptions,
  type NielsenResult,
} from './nielsen/run.js';
export { NIELSEN_ROWS, pickRows, type NielsenRow, type BookFigure, type EvalSet } from './nielsen/rows.js';
export { summarise, markdownTable, meanAndSd, type SeedRun, type RowResult } from './nielsen/report.js';
export { runXor, xorData, type XorOptions, type XorResult } from './xor/run.js';
export {
  runCompare,
  type CompareOptions,
  type CompareResult,
  type LayerDeltas,
  type VanishingSeries,
} from './compare/run.js';
export { estimateDeltas, type DeltaEstimates } from './compare/deltas.js';
export {
  runCustomLayer,
  customNet,
  type CustomLayerOptions,
  type CustomLayerResult,
  type CheckReport,
} from './custom-layer/run.js';
export { affineSoftsign, swish, swishActivation, swishLayer, SoftsignDense } from './custom-layer/layers.js';
export { runHessian, type HessianOptions, type HessianResult, type DirectionReport } from './hessian/run.js';
export {
  runOptimizers,
  OPTIMIZERS,
  type OptimizersOptions,
  type OptimizersResult,
  type OptimizerCurve,
} from './optimizers/run.js';
