/**
 * `@tapegrad/autograd`: dense float64/float32 tensors with broadcasting ops, a tape that records
 * every op whose inputs need gradients, and reverse-mode differentiation over it.
 * @packageDocumentation
 */
import { bindTensorMethods } from './tensor.js';
import * as ops from './ops/index.js';
import { backward } from './engine/backward.js';

// Tensor methods call the op functions and backward() through this binding, so that tensor.ts
// imports neither; package.json lists this file under sideEffects so bundlers keep the call.
bindTensorMethods({ ops, backward });

export { Tensor, type TensorLike, type NestedArray, type GradHook } from './tensor.js';
export { type DType, type FloatArray, DEFAULT_DTYPE, checkDType, promoteTypes } from './dtype.js';
export { type Shape, broadcastShapes, describeValue, formatShape, shapesEqual, sizeOf } from './shape.js';
export { Rng } from './random.js';
export { brandClass } from './process.js';
export * from './errors.js';
export { checkOptions, didYouMean, axisOptions, type AxisArg, type AxisOptions } from './options.js';
export {
  tensor,
  zeros,
  ones,
  full,
  zerosLike,
  onesLike,
  arange,
  eye,
  rand,
  randn,
  type CreateOptions,
  type TensorOptions,
  type RandomOptions,
} from './creation.js';
export * from './ops/index.js';
export {
  applyOp,
  type OpRules,
  type OpSpec,
  type Vjp,
  type VjpContext,
  type Jvp,
  type JvpContext,
} from './ops/define.js';
export { noGrad, enableGrad, isGradEnabled, detectAnomaly, setAnomalyEnabled, isAnomalyEnabled } from './tape/mode.js';
export { gradients, type BackwardOptions, type GradientsOptions } from './engine/backward.js';
export { reachableNodes } from './engine/plan.js';
export { Node } from './tape/node.js';
export { gradcheck } from './check/gradcheck.js';
export { type GradcheckOptions } from './check/options.js';
export { type GradcheckResult, type InputCheck, type WorstElement } from './check/report.js';
export { type CheckedFunction, centralDifference } from './check/numeric.js';
export { allclose, isClose, type AllcloseOptions, type AllcloseResult, type AllcloseWorst } from './check/allclose.js';
export { gradgradcheck, type GradgradcheckOptions } from './check/gradgradcheck.js';
export {
  gradcheckDirectional,
  type DirectionalOptions,
  type DirectionalResult,
  type DirectionCheck,
} from './check/directional.js';
export {
  defineOp,
  customVjp,
  type CustomOp,
  type CustomOpDefinition,
  type CustomVjpContext,
  type CustomJvpContext,
  type CustomVjpRules,
} from './ops/custom.js';
export { grad, valueAndGrad, vjp, type GradOptions } from './engine/transforms.js';
export { hvp } from './engine/hvp.js';
export { jvp, linearize } from './engine/jvp.js';
export { vmap, type VmapOptions } from './engine/vmap.js';
export { jacrev, jacfwd, hessian, type JacobianOptions } from './engine/jacobian.js';
export {
  treeFlatten,
  treeUnflatten,
  treeMap,
  type Pytree,
  type TreeDef,
  type TensorNode,
  type ArrayNode,
  type ObjectNode,
  type StaticNode,
} from './engine/pytree.js';
export { tapeNodes, type TapeEntry, type TapeOptions } from './inspect/tape.js';
export { formatTape, toDot } from './inspect/format.js';
export { setBackend, getBackend, backendReady, type BackendName } from './kernels/backend.js';
export { setNumThreads, getNumThreads } from './kernels/threads.js';
