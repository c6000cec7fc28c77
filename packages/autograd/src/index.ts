/**
 * `@tapegrad/autograd`: dense float64/float32 tensors with broadcasting ops, a tape that records
 * every op whose inputs need gradients, and reverse-mode differentiation over it.
 * @packageDocumentation
 */
export { Tensor, type TensorLike, type NestedArray, type GradHook } from './tensor.js';
export { type DType, type FloatArray, DEFAULT_DTYPE, promoteTypes } from './dtype.js';
export { type Shape, broadcastShapes, formatShape, sizeOf } from './shape.js';
export { Rng } from './random.js';
export * from './errors.js';
export {
  tensor, zeros, ones, full, zerosLike, onesLike, arange, eye, rand, randn,
  type CreateOptions, type TensorOptions, type RandomOptions,
} from './creation.js';
export * from './ops/index.js';
export { applyOp, type OpSpec, type Vjp, type VjpContext } from './ops/define.js';
export { noGrad, enableGrad, isGradEnabled, detectAnomaly, setAnomalyEnabled, isAnomalyEnabled } from './engine/mode.js';
export { gradients, reachableNodes, type BackwardOptions, type GradientsOptions } from './engine/backward.js';
export { Node, nodesCreated } from './engine/node.js';
export { gradcheck, type GradcheckOptions, type GradcheckResult, type InputCheck, type WorstElement } from './check/gradcheck.js';
