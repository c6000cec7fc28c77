/** Binary elementwise ops with NumPy broadcasting: each forward kernel beside its vjp. */
import { allocate, promoteTypes } from '../dtype.js';
import { broadcastShapes, shapesEqual, sizeOf } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import {
  type BinaryRow,
  addRow,
  binaryInto,
  divRow,
  maximumRow,
  minimumRow,
  mulRow,
  powRow,
  subRow,
} from '../kernels/elementwise.js';
import { type Jvp, type OpRules, type OpSpec, type Vjp, applyOp, defineOps } from './define.js';
import { binaryOperands } from './operands.js';
import { log, neg } from './unary.js';
import { eq, gt, lt, where } from './compare.js';
import { broadcastTo } from './movement.js';
import { cast } from './cast.js';

/**
 * The sum of an op's tangent terms (null terms are zero), brought to the output's shape and dtype:
 * a term may have an operand's smaller broadcast shape. Null when every term is zero.
 */
export function tangentSum(terms: readonly (Tensor | null | undefined)[], output: Tensor): Tensor | null {
  let total: Tensor | null = null;
  for (const t of terms) if (t) total = total === null ? t : add(total, t);
  if (total === null) return null;
  if (!shapesEqual(total.shape, output.shape)) total = broadcastTo(total, output.shape);
  return total.dtype === output.dtype ? total : cast(total, output.dtype);
}

/** The rules of a broadcasting binary op: its row loop (kernels/elementwise.ts), vjp and jvp. */
function binary(row: BinaryRow, vjp: Vjp<void>, jvp: Jvp<void>): OpRules<void> {
  return {
    forward: ([a, b], _, name) => {
      // Equal shapes are the common case: reuse a's (frozen) shape, which the output can share.
      const shape = shapesEqual(a!.shape, b!.shape) ? a!.shape : broadcastShapes(name, a!.shape, b!.shape);
      const out = allocate(promoteTypes(a!.dtype, b!.dtype), sizeOf(shape));
      binaryInto(a!.data, a!.shape, b!.data, b!.shape, out, shape, row);
      return new Tensor(out, shape);
    },
    vjp,
    jvp,
  };
}

/** The op's function: numbers on either side become 0-d tensors (see binaryOperands). */
function binaryOp(spec: OpSpec<void>) {
  return (a: TensorLike, b: TensorLike): Tensor => applyOp(spec, binaryOperands(spec.name, a, b), undefined);
}

/** The broadcasting binary ops, each forward beside its vjp. */
export const ELEMENTWISE_OPS = defineOps({
  add: binary(
    addRow,
    (g) => [g, g],
    ([ta, tb], { output }) => tangentSum([ta, tb], output),
  ),
  sub: binary(
    subRow,
    (g, { needsGrad }) => [g, needsGrad[1] ? neg(g) : null],
    ([ta, tb], { output }) => tangentSum([ta!, tb && neg(tb)], output),
  ),
  mul: binary(
    mulRow,
    (g, { inputs: [a, b], needsGrad }) => [needsGrad[0] ? mul(g, b!) : null, needsGrad[1] ? mul(g, a!) : null],
    ([ta, tb], { inputs: [a, b], output }) => tangentSum([ta && mul(ta, b!), tb && mul(a!, tb)], output),
  ),
  div: binary(
    divRow,
    (g, { inputs: [, b], output, needsGrad }) => [
      needsGrad[0] ? div(g, b!) : null,
      needsGrad[1] ? neg(mul(g, div(output, b!))) : null, // ∂(a/b)/∂b = −(a/b)/b
    ],
    ([ta, tb], { inputs: [, b], output }) =>
      tangentSum([ta && div(ta, b!), tb && neg(mul(tb, div(output, b!)))], output),
  ),
  pow: binary(
    powRow,
    (g, { inputs: [a, b], output, needsGrad }) => {
      const [da, db] = powPartials(a!, b!, output, needsGrad[0]!, needsGrad[1]!);
      return [da && mul(g, da), db && mul(g, db)];
    },
    ([ta, tb], { inputs: [a, b], output }) => {
      const [da, db] = powPartials(a!, b!, output, ta !== null, tb !== null);
      return tangentSum([ta && mul(ta, da!), tb && mul(tb, db!)], output);
    },
  ),
  // The gradient goes to the winner; ties split it 0.5 / 0.5 (see winnerWeight).
  maximum: binary(
    maximumRow,
    (g, { inputs: [a, b], needsGrad }) => {
      const w = winnerWeight(gt(a!, b!), a!, b!);
      return [needsGrad[0] ? mul(g, w) : null, needsGrad[1] ? mul(g, sub(1, w)) : null];
    },
    ([ta, tb], { inputs: [a, b], output }) => {
      const w = winnerWeight(gt(a!, b!), a!, b!);
      return tangentSum([ta && mul(ta, w), tb && mul(tb, sub(1, w))], output);
    },
  ),
  minimum: binary(
    minimumRow,
    (g, { inputs: [a, b], needsGrad }) => {
      const w = winnerWeight(lt(a!, b!), a!, b!);
      return [needsGrad[0] ? mul(g, w) : null, needsGrad[1] ? mul(g, sub(1, w)) : null];
    },
    ([ta, tb], { inputs: [a, b], output }) => {
      const w = winnerWeight(lt(a!, b!), a!, b!);
      return tangentSum([ta && mul(ta, w), tb && mul(tb, sub(1, w))], output);
    },
  ),
});

/**
 * The partial derivatives of aᵇ, each only when asked for: ∂/∂a = b·aᵇ⁻¹, 0 where b = 0;
 * ∂/∂b = aᵇ·log a, 0 at a = 0 (see {@link pow}).
 */
function powPartials(
  a: Tensor,
  b: Tensor,
  output: Tensor,
  wantA: boolean,
  wantB: boolean,
): [Tensor | null, Tensor | null] {
  let da: Tensor | null = null;
  if (wantA) {
    // Only b = 0 with a = 0 needs the mask: elsewhere b·aᵇ⁻¹ is finite (and its mixed derivative
    // at b = 0, which is 1/a, must stay intact).
    const masked = mul(eq(b, 0), eq(a, 0));
    da = where(masked, 0, mul(b, pow(where(masked, 1, a), sub(b, 1))));
  }
  let db: Tensor | null = null;
  if (wantB) {
    const zero = eq(a, 0);
    db = where(zero, 0, mul(output, log(where(zero, 1, a))));
  }
  return [da, db];
}

/** Elementwise a + b with broadcasting; numbers are accepted on either side. */
export const add = binaryOp(ELEMENTWISE_OPS.add);

/** Elementwise a − b with broadcasting. */
export const sub = binaryOp(ELEMENTWISE_OPS.sub);

/** Elementwise a · b with broadcasting. */
export const mul = binaryOp(ELEMENTWISE_OPS.mul);

/** Elementwise a / b with broadcasting. */
export const div = binaryOp(ELEMENTWISE_OPS.div);

/**
 * Elementwise aᵇ with broadcasting (Math.pow semantics: a negative base with a fractional
 * exponent gives NaN). ∂/∂a = b·aᵇ⁻¹, which is 0 where b = 0 (PyTorch's convention) rather than
 * 0·0⁻¹ = NaN at a = 0. ∂/∂b = aᵇ·log a, which needs a > 0: at a = 0 we return 0, the limit for
 * b > 0 (PyTorch's convention), instead of 0·(−∞) = NaN.
 *
 * Both guards avoid the double-where trap: where() passes a zero gradient into its masked branch,
 * and a masked branch that is ±∞ or NaN there would still turn that zero into NaN in second-order
 * gradients (0·∞). So each branch reads a safe stand-in (1) at the masked points and stays finite.
 */
export const pow = binaryOp(ELEMENTWISE_OPS.pow);

/**
 * The weight of `a` in the gradient of maximum/minimum: 1 where `a` wins, 0 where it loses and
 * 0.5 at ties, so a tie splits the gradient evenly (JAX's convention) and the total is kept.
 */
function winnerWeight(wins: Tensor, a: Tensor, b: Tensor): Tensor {
  return add(wins, mul(eq(a, b), 0.5));
}

/**
 * Elementwise max(a, b) with broadcasting; NaN propagates. The gradient goes to the larger
 * operand; at ties it is split 0.5 / 0.5.
 */
export const maximum = binaryOp(ELEMENTWISE_OPS.maximum);

/**
 * Elementwise min(a, b) with broadcasting; NaN propagates. The gradient goes to the smaller
 * operand; at ties it is split 0.5 / 0.5.
 */
export const minimum = binaryOp(ELEMENTWISE_OPS.minimum);
