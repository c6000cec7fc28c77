/** Unary elementwise ops: each forward kernel beside its vjp. */
import { allocate, promoteTypes } from '../dtype.js';
import { broadcastShapes, sizeOf } from '../shape.js';
import { binaryInto, sigmoidGradRow } from '../kernels/elementwise.js';
import { Tensor } from '../tensor.js';
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
import { type JvpContext, type OpRules, type OpSpec, applyOp, defineOps } from './define.js';
import { expectTensor } from './operands.js';
import { mul, div, sub, tangentSum } from './elementwise.js';
import { gt, sign } from './compare.js';

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

/** The unary elementwise ops, each forward beside its vjp. */
export const UNARY_OPS = defineOps({
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
      const shape = broadcastShapes('sigmoidGrad', g!.shape, s!.shape);
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
});

function sigmoidGrad(g: Tensor, s: Tensor): Tensor {
  return applyOp(UNARY_OPS.sigmoidGrad, [g, s], undefined);
}

/** The scalar forms, exported for code that needs one value (the loops live in kernels/unary.ts). */
export { stableSigmoid, stableSoftplus } from '../kernels/unary.js';

/** −x. */
export const neg = unaryOp(UNARY_OPS.neg);

/** eˣ. */
export const exp = unaryOp(UNARY_OPS.exp);

/** Natural logarithm. */
export const log = unaryOp(UNARY_OPS.log);

/** σ(x) = 1 / (1 + e⁻ˣ), stable for any x (σ(±Infinity) = 1 or 0); σ′ = σ(1 − σ). */
export const sigmoid = unaryOp(UNARY_OPS.sigmoid);

/** √x (NaN for x < 0); (√x)′ = 1 / (2√x), infinite at 0. */
export const sqrt = unaryOp(UNARY_OPS.sqrt);

/** |x|. The gradient is sign(x), taking 0 at x = 0 (the subgradient PyTorch and JAX use). */
export const abs = unaryOp(UNARY_OPS.abs);

/** x²; (x²)′ = 2x. */
export const square = unaryOp(UNARY_OPS.square);

/** Hyperbolic tangent (±1 at ±Infinity); tanh′ = 1 − tanh². */
export const tanh = unaryOp(UNARY_OPS.tanh);

/** max(x, 0). The gradient is 1 for x > 0 and 0 for x ≤ 0 (0 at the kink, as PyTorch does). */
export const relu = unaryOp(UNARY_OPS.relu);

/**
 * softplus(x) = log(1 + eˣ), computed stably; softplus′ = σ(x). Finite for every finite x
 * (softplus(800) = 800, softplus(−800) ≈ 0 with gradients 1 and 0); softplus(+Infinity) =
 * +Infinity with gradient 1 and softplus(−Infinity) = 0 with gradient 0.
 */
export const softplus = unaryOp(UNARY_OPS.softplus);
