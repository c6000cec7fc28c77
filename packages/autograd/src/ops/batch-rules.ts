/**
 * vmap's batching rules, one per op, typed over the op names so that an op without its rule does
 * not compile. A rule runs its op once on a whole batch: inputs that are batched hold the batch
 * along axis 0, the others are one example shared by all. Most ops need one of four generic
 * rules (elementwise alignment, as-is, shifted axes, a leading batch size in the parameters),
 * which is why they sit in one table rather than beside each vjp.
 * @packageDocumentation
 */
import type { Tensor } from '../tensor.js';
import type { OpName, ParamsOf, ReduceParams, ArgParams, IndexParams, ImageWindow, Window } from './params.js';
import { broadcastTo, reshape } from './movement.js';
import { matmul } from './linalg.js';
import { im2col } from './conv.js';
import { windowGrid } from '../kernels/conv.js';

/** What a batching rule receives besides the inputs and the per-example parameters. */
export interface BatchContext<P> {
  /** The batch size. */
  readonly size: number;
  /** Applies the op itself to other inputs and parameters (most rules end with it). */
  readonly apply: (inputs: readonly Tensor[], params: P) => Tensor;
}

/**
 * vmap's rule for one op: `inputs[i]` holds the batch along axis 0 where `batched[i]`, and is one
 * shared example elsewhere; `params` are the per-example parameters. Returns the batched output,
 * batch along axis 0.
 */
export type BatchRule<P> = (
  inputs: readonly Tensor[],
  batched: readonly boolean[],
  params: P,
  ctx: BatchContext<P>,
) => Tensor;

const ones = (n: number): number[] => Array.from({ length: Math.max(n, 0) }, () => 1);

/** A batched tensor with size-1 axes after the batch axis, up to `rank` per-example axes. */
function lift(x: Tensor, rank: number): Tensor {
  const missing = rank - (x.ndim - 1);
  return missing > 0 ? reshape(x, [x.shape[0]!, ...ones(missing), ...x.shape.slice(1)]) : x;
}

/**
 * Broadcasting ops: per-example shapes align from the right, so a batched operand of lower rank
 * gets size-1 axes after its batch axis; the batch axis then stays leftmost in the result.
 */
const elementwise: BatchRule<any> = (inputs, batched, params, { apply }) => {
  let rank = 0;
  inputs.forEach((x, i) => (rank = Math.max(rank, batched[i] ? x.ndim - 1 : x.ndim)));
  return apply(
    inputs.map((x, i) => (batched[i] ? lift(x, rank) : x)),
    params,
  );
};

/** Ops that act element by element on one input, or are indifferent to a leading axis. */
const asIs: BatchRule<any> = (inputs, _batched, params, { apply }) => apply(inputs, params);

/** Reductions and the softmax family: every axis moves one place right. */
const overAxes: BatchRule<ReduceParams> = ([x], _batched, { axes, keepdims }, { apply, size }) => {
  if (x!.ndim === 1 && axes.length > 0) {
    // One example is 0-d (axis 0 names its single element): reduce a size-1 axis, keep it 0-d.
    return reshape(apply([reshape(x!, [size, 1])], { axes: [1], keepdims: true }), [size]);
  }
  return apply([x!], { axes: axes.map((a) => a + 1), keepdims });
};

const overAxis: BatchRule<ArgParams> = ([x], _batched, { axis, keepdims }, { apply, size }) => {
  const rank = x!.ndim - 1;
  if (axis !== null && rank > 0) return apply([x!], { axis: axis + 1, keepdims });
  // The flattened search (or a 0-d example): search each example's elements as one row.
  const found = apply([reshape(x!, [size, -1])], { axis: 1, keepdims: false });
  return keepdims ? reshape(found, [size, ...ones(rank)]) : found;
};

/** gather and scatterAdd: the batch joins the outer lanes, and per-element indices repeat per example. */
const overLanes: BatchRule<IndexParams> = ([x], _batched, p, { apply, size }) => {
  let index = p.index;
  if (p.layout.along) {
    index = new Int32Array(p.index.length * size);
    for (let b = 0; b < size; b++) index.set(p.index, b * p.index.length);
  }
  return apply([x!], {
    layout: { ...p.layout, outer: p.layout.outer * size },
    index,
    small: [size, ...p.small],
    large: [size, ...p.large],
  });
};

/** [B, N, ...] as [B·N, ...]: image ops treat the vmap batch as more images. */
const foldBatch = (x: Tensor): Tensor => reshape(x, [x.shape[0]! * x.shape[1]!, ...x.shape.slice(2)]);
const unfoldBatch = (y: Tensor, size: number): Tensor => reshape(y, [size, y.shape[0]! / size, ...y.shape.slice(1)]);

/** Pooling: the batch joins the images. */
const overImages: BatchRule<Window> = ([x], _batched, win, { apply, size }) =>
  unfoldBatch(apply([foldBatch(x!)], win), size);

/** im2col and col2im: the batch joins the images, and the recorded image shape grows with it. */
const overImageShape: BatchRule<ImageWindow> = ([x], _batched, p, { apply, size }) =>
  unfoldBatch(apply([foldBatch(x!)], { ...p, image: [size * p.image[0]!, ...p.image.slice(1)] }), size);

/**
 * conv2d: with one shared weight the batch joins the images (one op). A batched weight is a
 * different filter bank per example: columns of each example's images times its own weight, one
 * broadcast matmul ([B, 1, O, K] · [B, N, K, L] or [N, K, L]).
 */
const conv2dRule: BatchRule<Window> = ([x, w], batched, win, { apply, size }) => {
  if (!batched[1]) return unfoldBatch(apply([foldBatch(x!), w!], win), size);
  const options = { kernelSize: win.kernel, stride: win.stride, padding: win.padding, dilation: win.dilation };
  const images = batched[0] ? foldBatch(x!) : x!;
  let columns = im2col(images, options);
  if (batched[0]) columns = unfoldBatch(columns, size);
  const [, O, C, kh, kw] = w!.shape as [number, number, number, number, number];
  const y = matmul(reshape(w!, [size, 1, O, C * kh * kw]), columns);
  const N = images.shape[0]! / (batched[0] ? size : 1);
  const [H, W] = [x!.shape[x!.ndim - 2]!, x!.shape[x!.ndim - 1]!];
  const [OH, OW] = windowGrid(H, W, win);
  return reshape(y, [size, N, O, OH, OW]);
};

/** Every built-in op's batching rule, by name. */
export const BATCH_RULES = {
  add: elementwise,
  sub: elementwise,
  mul: elementwise,
  div: elementwise,
  pow: elementwise,
  maximum: elementwise,
  minimum: elementwise,
  sigmoidGrad: elementwise,
  eq: elementwise,
  ne: elementwise,
  gt: elementwise,
  ge: elementwise,
  lt: elementwise,
  le: elementwise,
  where: elementwise,
  matmul: (inputs, batched, params, ctx) => {
    const [a, b] = inputs as [Tensor, Tensor];
    // A batch of rows times one shared matrix is one product: fold the batch into the rows (a
    // free view of contiguous storage), instead of one small product per example.
    if (batched[0] && !batched[1] && b.ndim === 2 && !params.transA) {
      const k = a.shape[a.ndim - 1]!;
      const product = ctx.apply([reshape(a, [-1, k]), b], params);
      return reshape(product, [...a.shape.slice(0, -1), product.shape[1]!]);
    }
    // Otherwise the batch dimensions of matmul broadcast like elementwise shapes.
    return elementwise(inputs, batched, params, ctx);
  },
  neg: asIs,
  exp: asIs,
  log: asIs,
  sigmoid: asIs,
  sqrt: asIs,
  abs: asIs,
  square: asIs,
  tanh: asIs,
  relu: asIs,
  softplus: asIs,
  clamp: asIs,
  sign: asIs,
  clone: asIs,
  cast: asIs,
  sum: overAxes,
  mean: overAxes,
  max: overAxes,
  min: overAxes,
  logsumexp: overAxes,
  softmax: overAxes,
  logSoftmax: overAxes,
  argmax: overAxis,
  argmin: overAxis,
  reshape: ([x], _batched, shape, { apply, size }) => apply([x!], [size, ...shape]),
  broadcastTo: ([x], _batched, shape, { apply, size }) => apply([lift(x!, shape.length)], [size, ...shape]),
  permute: ([x], _batched, axes, { apply }) => apply([x!], [0, ...axes.map((a) => a + 1)]),
  slice: ([x], _batched, { starts, ends, full }, { apply, size }) =>
    apply([x!], { starts: [0, ...starts], ends: [size, ...ends], full: [size, ...full] }),
  pad: ([x], _batched, { starts, full }, { apply, size }) =>
    apply([x!], { starts: [0, ...starts], full: [size, ...full] }),
  concat: (inputs, batched, axis, { apply, size }) =>
    apply(
      inputs.map((x, i) => (batched[i] ? x : broadcastTo(reshape(x, [1, ...x.shape]), [size, ...x.shape]))),
      axis + 1,
    ),
  gather: overLanes,
  scatterAdd: overLanes,
  conv2d: conv2dRule,
  im2col: overImageShape,
  col2im: overImageShape,
  maxPool2d: overImages,
  avgPool2d: overImages,
} satisfies { readonly [K in OpName]: BatchRule<ParamsOf<K>> };
