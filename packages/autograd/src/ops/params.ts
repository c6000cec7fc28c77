/**
 * The names of the built-in ops and the non-tensor parameters each one records on the tape.
 * Adding an op starts here: its name joins {@link OpParams}, and the compiler then asks for its
 * rules in the op table (ops/table.ts) and for its rows in the test matrix.
 * @packageDocumentation
 */
import type { DType } from '../dtype.js';
import type { LaneLayout } from '../kernels/gather.js';
import type { Window } from '../kernels/conv.js';

export type { Window } from '../kernels/conv.js';

/** Resolved reduction parameters, as recorded on the tape. */
export interface ReduceParams {
  /** The reduced axes, non-negative, sorted and distinct. */
  readonly axes: readonly number[];
  /** Whether reduced axes stay as size-1 dimensions. */
  readonly keepdims: boolean;
}

/** Which operands of the recorded matmul op are read transposed (last two dimensions). */
export interface MatmulParams {
  readonly transA: boolean;
  readonly transB: boolean;
}

/** The searched axis of argmax/argmin (null: the flattened tensor) and whether it is kept. */
export interface ArgParams {
  readonly axis: number | null;
  readonly keepdims: boolean;
}

/** The bounds of clamp (±Infinity where a bound was omitted). */
export interface ClampParams {
  readonly lo: number;
  readonly hi: number;
}

/** Where a block sits in a larger tensor: pad writes it there, slice cuts it out. */
export interface BoxParams {
  /** Per-axis offset of the block in the larger tensor. */
  readonly starts: readonly number[];
  /** Shape of the larger tensor (the input of slice, the output of pad). */
  readonly full: readonly number[];
}

/** A slice: the block's place and its per-axis (exclusive) ends. */
export interface SliceParams extends BoxParams {
  readonly ends: readonly number[];
}

/** Validated integer indices and the lane layout they are applied with (gather and scatterAdd). */
export interface IndexParams {
  readonly layout: LaneLayout;
  readonly index: Int32Array;
  /** Shape of the gathered result (the scatter-add input). */
  readonly small: readonly number[];
  /** Shape of the indexed tensor (the scatter-add output). */
  readonly large: readonly number[];
}

/** A sliding window over images of a given shape: what im2col reads and col2im writes. */
export interface ImageWindow extends Window {
  /** The image shape [N, C, H, W] (the input of im2col, the output of col2im). */
  readonly image: readonly number[];
}

/**
 * Every built-in op by name, with the parameters it records (`void` for none). The single list
 * of op names: the op table and the test matrix are mapped types over its keys, so an op missing
 * from either does not compile.
 */
export interface OpParams {
  add: void;
  sub: void;
  mul: void;
  div: void;
  pow: void;
  maximum: void;
  minimum: void;
  neg: void;
  exp: void;
  log: void;
  sigmoid: void;
  sigmoidGrad: void;
  sqrt: void;
  abs: void;
  square: void;
  tanh: void;
  relu: void;
  softplus: void;
  sum: ReduceParams;
  mean: ReduceParams;
  max: ReduceParams;
  min: ReduceParams;
  logsumexp: ReduceParams;
  softmax: ReduceParams;
  logSoftmax: ReduceParams;
  reshape: readonly number[];
  broadcastTo: readonly number[];
  permute: readonly number[];
  clone: void;
  slice: SliceParams;
  pad: BoxParams;
  /** The (non-negative) axis joined along. */
  concat: number;
  gather: IndexParams;
  scatterAdd: IndexParams;
  eq: void;
  ne: void;
  gt: void;
  ge: void;
  lt: void;
  le: void;
  where: void;
  argmax: ArgParams;
  argmin: ArgParams;
  clamp: ClampParams;
  sign: void;
  matmul: MatmulParams;
  /** The target dtype. */
  cast: DType;
  conv2d: Window;
  im2col: ImageWindow;
  col2im: ImageWindow;
  /** Pooling windows have no padding and no dilation (both recorded as their neutral values). */
  maxPool2d: Window;
  avgPool2d: Window;
}

/** The name of a built-in op. */
export type OpName = keyof OpParams;

/** The parameters op `K` records on the tape. */
export type ParamsOf<K extends OpName> = OpParams[K];
