/** Every public op function, by family (the op specs are gathered in table.ts, which stays internal). */
export {
  add,
  sub,
  mul,
  div,
  pow,
  maximum,
  minimum,
  stableSigmoid,
  stableSoftplus,
  neg,
  exp,
  log,
  sigmoid,
  sqrt,
  abs,
  square,
  tanh,
  relu,
  softplus,
  clamp,
  sign,
} from './elementwise.js';
export { type ReduceOptions, reduceParams, expandReduced, sum, sumToShape, mean, max, min } from './reduce.js';
export { type SoftmaxOptions, logsumexp, softmax, logSoftmax } from './softmax.js';
export { reshape, broadcastTo, permute, transpose, clone, squeeze, unsqueeze } from './movement.js';
export { type SliceRange, slice, pad, concat, stack } from './slicing.js';
export { type Indices, gather, takeAlongAxis } from './gather.js';
export { eq, ne, gt, ge, lt, le, where, type ArgReduceOptions, argmax, argmin } from './compare.js';
export { type MatmulOptions, matmul } from './linalg.js';
export { cast } from './cast.js';
export {
  type Pair,
  type Conv2dOptions,
  type Pool2dOptions,
  type WindowOptions,
  conv2d,
  maxPool2d,
  avgPool2d,
  im2col,
  col2im,
} from './conv.js';
export type { ReduceParams } from './params.js';
