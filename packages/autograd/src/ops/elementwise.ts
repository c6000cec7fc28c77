/**
 * Elementwise ops: binary ones with NumPy broadcasting, unary ones, and clamp and sign; each
 * forward kernel beside its derivative rules. They live in one file because their rules call each
 * other (the vjp of div uses neg, that of sqrt uses div).
 */
import { allocate, promoteTypes } from '../dtype.js';
import { ArgumentError } from '../errors.js';
import { describeValue, elementwiseShape, sizeOf } from '../shape.js';
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
  mapUnary,
  sigmoidGradRow,
  subRow,
} from '../kernels/elementwise.js';
import {
  type UnaryKernel,
  absInto,
  expInto,
  logInto,
  negInto,
  reluInto,
  sigmoidInto,
  softplusInto,
  sqrtInto,
  squareInto,
  tanhInto,
} from '../kernels/unary.js';
import { type Jvp, type JvpContext, type OpRules, type OpSpec, type Vjp, applyOp, defineOps } from './define.js';
import { binaryOperands, expectTensor } from './operands.js';
import { eq, ge, gt, le, lt, where } from './compare.js';
import { fitTangent } from './tangents.js';

/**
 * The sum of an op's tangent terms (null terms are zero), brought to the output's shape and dtype:
 * a term may have an operand's smaller broadcast shape. Null when every term is zero.
 */
export function tangentSum(terms: readonly (Tensor | null | undefined)[], output: Tensor): Tensor | null {
  let total: Tensor | null = null;
  for (const t of terms) if (t) total = total === null ? t : add(total, t);
  return total === null ? null : fitTangent(total, output);
}

/** The rules of a broadcasting binary op: its row loop (kernels/elementwise.ts), vjp and jvp. */
function binary(row: BinaryRow, vjp: Vjp<void>, jvp: Jvp<void>): OpRules<void> {
  return {
    forward: ([a, b], _, name) => {
      const shape = elementwiseShape(name, a!.shape, b!.shape);
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

function unaryForward(kernel: UnaryKernel): OpRules<void>['forward'] {
  return ([x]) => {
    const out = allocate(x!.dtype, x!.size);
    kernel(x!.data, out);
    return new Tensor(out, x!.shape);
  };
}

/**
 * The rules of a unary op f: its loop (kernels/unary.ts), and f′ as a tensor of x's shape, from
 * which both derivative rules follow (the vjp is ḡ·f′(x), the jvp ṫ·f′(x)), so they cannot
 * disagree.
 */
function unary(kernel: UnaryKernel, derivative: (ctx: JvpContext<void>) => Tensor): OpRules<void> {
  return {
    forward: unaryForward(kernel),
    vjp: (g, ctx) => [mul(g, derivative(ctx))],
    jvp: ([t], ctx) => mul(t!, derivative(ctx)),
  };
}

/** As {@link unary}, for an f′ = 1 / d(x) that reads best (and rounds once) as a division by d. */
function unaryOver(kernel: UnaryKernel, denominator: (ctx: JvpContext<void>) => Tensor): OpRules<void> {
  return {
    forward: unaryForward(kernel),
    vjp: (g, ctx) => [div(g, denominator(ctx))],
    jvp: ([t], ctx) => div(t!, denominator(ctx)),
  };
}

function unaryOp(spec: OpSpec<void>) {
  return (x: Tensor): Tensor => applyOp(spec, [expectTensor(spec.name, x)], undefined);
}

/** The elementwise ops, each forward beside its derivative rules. */
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
  neg: {
    forward: unaryForward(negInto),
    vjp: (g) => [neg(g)],
    jvp: ([t]) => neg(t!),
  },
  exp: unary(expInto, ({ output }) => output),
  log: unaryOver(logInto, ({ inputs: [x] }) => x!),
  // σ′ = σ(1 − σ)
  sigmoid: {
    forward: unaryForward(sigmoidInto),
    vjp: (g, { output: s }) => [sigmoidGrad(g, s)],
    jvp: ([t], { output: s }) => sigmoidGrad(t!, s),
  },
  /**
   * ḡ·σ(1 − σ) as one op: sigmoid's vjp, which every backward pass through a sigmoid runs, fused
   * from three ops and a 0-d tensor into one loop (same rounding order in float64). Its own vjp
   * keeps higher-order gradients: ∂/∂ḡ = σ(1 − σ), ∂/∂σ = ḡ(1 − 2σ).
   */
  sigmoidGrad: {
    forward: ([g, s]) => {
      const shape = elementwiseShape('sigmoidGrad', g!.shape, s!.shape);
      const out = allocate(promoteTypes(g!.dtype, s!.dtype), sizeOf(shape));
      binaryInto(g!.data, g!.shape, s!.data, s!.shape, out, shape, sigmoidGradRow);
      return new Tensor(out, shape);
    },
    vjp: (h, { inputs: [g, s], needsGrad }) => [
      needsGrad[0] ? sigmoidGrad(h, s!) : null,
      needsGrad[1] ? mul(mul(h, g!), sub(1, mul(s!, 2))) : null,
    ],
    jvp: ([tg, ts], { inputs: [g, s], output }) =>
      tangentSum([tg && sigmoidGrad(tg, s!), ts && mul(mul(ts, g!), sub(1, mul(s!, 2)))], output),
  },
  // (√x)′ = 1 / (2√x), infinite at 0
  sqrt: unaryOver(sqrtInto, ({ output }) => mul(output, 2)),
  // sign(x), taking 0 at x = 0 (the subgradient PyTorch and JAX use)
  abs: unary(absInto, ({ inputs: [x] }) => sign(x!)),
  square: unary(squareInto, ({ inputs: [x] }) => mul(x!, 2)),
  // tanh′ = 1 − tanh²
  tanh: unary(tanhInto, ({ output: y }) => sub(1, mul(y, y))),
  // 1 for x > 0 and 0 for x ≤ 0 (0 at the kink, as PyTorch does)
  relu: unary(reluInto, ({ inputs: [x] }) => gt(x!, 0)),
  // softplus′ = σ
  softplus: unary(softplusInto, ({ inputs: [x] }) => sigmoid(x!)),
  clamp: {
    describeParams: ({ lo, hi }) =>
      [lo === -Infinity ? '' : `min ${lo}`, hi === Infinity ? '' : `max ${hi}`].filter(Boolean).join(', '),
    forward: ([x], { lo, hi }) => {
      const out = allocate(x!.dtype, x!.size);
      mapUnary(x!.data, out, (v) => (v < lo ? lo : v > hi ? hi : v));
      return new Tensor(out, x!.shape);
    },
    // Inclusive bounds: at x = min or x = max the gradient passes (a subgradient choice).
    vjp: (g, { inputs: [x], params: { lo, hi } }) => [mul(g, mul(ge(x!, lo), le(x!, hi)))],
    jvp: ([t], { inputs: [x], params: { lo, hi } }) => mul(t!, mul(ge(x!, lo), le(x!, hi))),
  },
  sign: {
    forward: ([x]) => {
      const out = allocate(x!.dtype, x!.size);
      mapUnary(x!.data, out, (v) => (v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : NaN));
      return new Tensor(out, x!.shape);
    },
    vjp: null,
    jvp: null,
  },
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

function sigmoidGrad(g: Tensor, s: Tensor): Tensor {
  return applyOp(ELEMENTWISE_OPS.sigmoidGrad, [g, s], undefined);
}

/** The scalar forms, exported for code that needs one value (the loops live in kernels/unary.ts). */
export { stableSigmoid, stableSoftplus } from '../kernels/unary.js';

/** −x. */
export const neg = unaryOp(ELEMENTWISE_OPS.neg);

/** eˣ. */
export const exp = unaryOp(ELEMENTWISE_OPS.exp);

/** Natural logarithm. */
export const log = unaryOp(ELEMENTWISE_OPS.log);

/** σ(x) = 1 / (1 + e⁻ˣ), stable for any x (σ(±Infinity) = 1 or 0); σ′ = σ(1 − σ). */
export const sigmoid = unaryOp(ELEMENTWISE_OPS.sigmoid);

/** √x (NaN for x < 0); (√x)′ = 1 / (2√x), infinite at 0. */
export const sqrt = unaryOp(ELEMENTWISE_OPS.sqrt);

/** |x|. The gradient is sign(x), taking 0 at x = 0 (the subgradient PyTorch and JAX use). */
export const abs = unaryOp(ELEMENTWISE_OPS.abs);

/** x²; (x²)′ = 2x. */
export const square = unaryOp(ELEMENTWISE_OPS.square);

/** Hyperbolic tangent (±1 at ±Infinity); tanh′ = 1 − tanh². */
export const tanh = unaryOp(ELEMENTWISE_OPS.tanh);

/** max(x, 0). The gradient is 1 for x > 0 and 0 for x ≤ 0 (0 at the kink, as PyTorch does). */
export const relu = unaryOp(ELEMENTWISE_OPS.relu);

/**
 * softplus(x) = log(1 + eˣ), computed stably; softplus′ = σ(x). Finite for every finite x
 * (softplus(800) = 800, softplus(−800) ≈ 0 with gradients 1 and 0); softplus(+Infinity) =
 * +Infinity with gradient 1 and softplus(−Infinity) = 0 with gradient 0.
 */
export const softplus = unaryOp(ELEMENTWISE_OPS.softplus);

/**
 * Limits `x` to [min, max] (either bound may be omitted). Differentiable: the gradient passes
 * where min ≤ x ≤ max (bounds included) and is 0 where x was clamped. NaN stays NaN.
 */
export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  const t = expectTensor('clamp', x);
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  if (typeof lo !== 'number' || typeof hi !== 'number' || Number.isNaN(lo) || Number.isNaN(hi)) {
    throw new ArgumentError(
      `clamp: min and max must be numbers (not NaN) or undefined, got ${describeValue(min)} and ${describeValue(max)}.`,
    );
  }
  if (lo > hi) throw new ArgumentError(`clamp: min ${lo} is greater than max ${hi}; swap them.`);
  return applyOp(ELEMENTWISE_OPS.clamp, [t], { lo, hi });
}

/** The sign of each element (−1, 0 or 1; NaN stays NaN) as a float tensor. Not differentiable. */
export function sign(x: Tensor): Tensor {
  return applyOp(ELEMENTWISE_OPS.sign, [expectTensor('sign', x)], undefined);
}
