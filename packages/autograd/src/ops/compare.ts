/**
 * Comparisons, selection and argmax/argmin. We only have float dtypes, so masks are float tensors
 * of 0 and 1 in the promoted dtype of the operands. Comparisons and argmax/argmin have no
 * derivative (their vjp is null, so their outputs never require grad); `where` is differentiable
 * in its value operands.
 */
import { allocate, promoteTypes } from '../dtype.js';
import { ShapeError } from '../errors.js';
import { broadcastShapes, elementwiseShape, formatShape, normalizeAxis, sizeOf } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { type BinaryRow, binaryInto, selectInto } from '../kernels/elementwise.js';
import { eqRow, geRow, gtRow, leRow, ltRow, neRow } from '../kernels/compare.js';
import { argReduce, reducedShape } from '../kernels/reduce.js';
import { type OpRules, type OpSpec, applyOp, defineOps } from './define.js';
import type { ArgParams } from './params.js';
import { binaryOperands, expectTensor } from './operands.js';
import { axisOptions } from '../options.js';
import { scalarLike } from '../creation.js';
import { fitTangent } from './tangents.js';

/**
 * The rules of a broadcasting comparison: a 0/1 mask and no vjp. It takes the comparison's own
 * row loop (kernels/compare.ts), not a predicate: the walker calls it once per row, so no call
 * happens per element.
 */
function comparison(row: BinaryRow): OpRules<void> {
  return {
    forward: ([a, b], _, name) => {
      const shape = elementwiseShape(name, a!.shape, b!.shape);
      const out = allocate(promoteTypes(a!.dtype, b!.dtype), sizeOf(shape));
      binaryInto(a!.data, a!.shape, b!.data, b!.shape, out, shape, row);
      return new Tensor(out, shape);
    },
    vjp: null,
    jvp: null,
  };
}

function compareOp(spec: OpSpec<void>) {
  return (a: TensorLike, b: TensorLike): Tensor => applyOp(spec, binaryOperands(spec.name, a, b), undefined);
}

/** The rules of argmax/argmin: `better` says when a value beats the best so far. No vjp. */
function argRules(better: (v: number, best: number) => boolean): OpRules<ArgParams> {
  return {
    forward: ([x], { axis, keepdims }) => {
      if (axis === null) {
        const out = argReduce(x!.data, [x!.size], 0, better);
        return new Tensor(out, keepdims ? x!.shape.map(() => 1) : []);
      }
      // A 0-d tensor has no dimension 0 to scan: read it as shape [1] (the output stays 0-d).
      const scanned = x!.ndim === 0 ? [1] : x!.shape;
      return new Tensor(argReduce(x!.data, scanned, axis, better), reducedShape(x!.shape, [axis], keepdims));
    },
    vjp: null,
    jvp: null,
    describeParams: ({ axis, keepdims }) =>
      [axis === null ? '' : `axis ${axis}`, keepdims ? 'keepdims' : ''].filter(Boolean).join(', '),
  };
}

function argOp(spec: OpSpec<ArgParams>): (x: Tensor, options?: number | ArgReduceOptions) => Tensor {
  const name = spec.name;
  return (x, arg) => {
    const t = expectTensor(name, x);
    const options = axisOptions<ArgReduceOptions>(name, arg, ['axis', 'keepdims']);
    const axis = options.axis === undefined ? null : normalizeAxis(name, options.axis, t.ndim);
    const len = axis === null ? t.size : (t.shape[axis] ?? 1);
    if (len === 0) {
      throw new ShapeError(
        `${name}: cannot search an empty axis of a tensor of shape ${formatShape(t.shape)}; there is no index to return.`,
      );
    }
    return applyOp(spec, [t], { axis, keepdims: options.keepdims ?? false });
  };
}

/** Comparisons, selection and argmax/argmin, each forward beside its vjp (null where there is no derivative). */
export const COMPARE_OPS = defineOps({
  eq: comparison(eqRow),
  ne: comparison(neRow),
  gt: comparison(gtRow),
  ge: comparison(geRow),
  lt: comparison(ltRow),
  le: comparison(leRow),
  // Ties go to the first occurrence; NaN beats every number (v !== v tests for NaN).
  argmax: argRules((v, best) => v > best || (v !== v && best === best)),
  argmin: argRules((v, best) => v < best || (v !== v && best === best)),
  where: {
    forward: ([mask, a, b]) => {
      const shape = broadcastShapes('where', broadcastShapes('where', mask!.shape, a!.shape), b!.shape);
      const out = allocate(promoteTypes(a!.dtype, b!.dtype), sizeOf(shape));
      selectInto(mask!.data, mask!.shape, a!.data, a!.shape, b!.data, b!.shape, out, shape);
      return new Tensor(out, shape);
    },
    vjp: (g, { inputs: [mask], needsGrad }) => [
      null, // selection is piecewise constant in the mask
      needsGrad[1] ? where(mask!, g, 0) : null,
      needsGrad[2] ? where(mask!, 0, g) : null,
    ],
    jvp: ([, ta, tb], { inputs: [mask], output }) => fitTangent(where(mask!, ta ?? 0, tb ?? 0), output),
  },
});

/** 1 where a = b, else 0 (a float mask; NaN equals nothing). Not differentiable. */
export const eq = compareOp(COMPARE_OPS.eq);
/** 1 where a ≠ b, else 0 (a float mask; NaN differs from everything). Not differentiable. */
export const ne = compareOp(COMPARE_OPS.ne);
/** 1 where a > b, else 0 (a float mask). Not differentiable. */
export const gt = compareOp(COMPARE_OPS.gt);
/** 1 where a ≥ b, else 0 (a float mask). Not differentiable. */
export const ge = compareOp(COMPARE_OPS.ge);
/** 1 where a < b, else 0 (a float mask). Not differentiable. */
export const lt = compareOp(COMPARE_OPS.lt);
/** 1 where a ≤ b, else 0 (a float mask). Not differentiable. */
export const le = compareOp(COMPARE_OPS.le);

/**
 * Elementwise selection with broadcasting of all three operands: `a` where `mask` is nonzero
 * (NaN counts as nonzero), `b` elsewhere. `a` and `b` may be numbers. Differentiable in `a` and `b`; the mask gets no gradient.
 */
export function where(mask: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const m = expectTensor('where', mask, 0);
  // Two numbers take the mask's dtype, as a number meeting a tensor always does.
  const [ta, tb] =
    typeof a === 'number' && typeof b === 'number'
      ? [scalarLike(a, m), scalarLike(b, m)]
      : binaryOperands('where', a, b);
  return applyOp(COMPARE_OPS.where, [m, ta, tb], undefined);
}

/** Options of {@link argmax} and {@link argmin}. */
export interface ArgReduceOptions {
  /** The axis to search (negative counts from the end); by default the flattened tensor. */
  axis?: number;
  /** Keep the searched axis as a size-1 dimension (default false). */
  keepdims?: boolean;
}

/**
 * Index of the largest value along `axis` (of the flattened tensor by default), as a float64
 * tensor of integer values. Ties go to the first occurrence; NaN counts as the largest. Not
 * differentiable.
 */
export const argmax = argOp(COMPARE_OPS.argmax);

/**
 * Index of the smallest value along `axis` (of the flattened tensor by default), as a float64
 * tensor of integer values. Ties go to the first occurrence; NaN counts as the smallest. Not
 * differentiable.
 */
export const argmin = argOp(COMPARE_OPS.argmin);
