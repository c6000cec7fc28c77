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
import { type OpRules, type OpSpec, type Vjp, applyOp, defineOps } from './define.js';
import { expectTensor } from './operands.js';
import { mul, div, sub } from './elementwise.js';
import { gt, sign } from './compare.js';

/** The rules of a unary op: its loop (kernels/unary.ts) and its vjp. */
function unary(kernel: UnaryKernel, vjp: Vjp<void>): OpRules<void> {
  return {
    forward: ([x]) => {
      const out = allocate(x!.dtype, x!.size);
      kernel(x!.data, out);
      return new Tensor(out, x!.shape);
    },
    vjp,
  };
}

function unaryOp(spec: OpSpec<void>) {
  return (x: Tensor): Tensor => applyOp(spec, [expectTensor(spec.name, x)], undefined);
}

/** The unary elementwise ops, each forward beside its vjp. */
export const UNARY_OPS = defineOps({
  neg: unary(negInto, (g) => [neg(g)]),
  exp: unary(expInto, (g, { output }) => [mul(g, output)]),
  log: unary(logInto, (g, { inputs: [x] }) => [div(g, x!)]),
  // σ′ = σ(1 − σ)
  sigmoid: unary(sigmoidInto, (g, { output: s }) => [sigmoidGrad(g, s)]),
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
  },
  // (√x)′ = 1 / (2√x), infinite at 0
  sqrt: unary(sqrtInto, (g, { output }) => [div(g, mul(output, 2))]),
  // sign(x), taking 0 at x = 0 (the subgradient PyTorch and JAX use)
  abs: unary(absInto, (g, { inputs: [x] }) => [mul(g, sign(x!))]),
  square: unary(squareInto, (g, { inputs: [x] }) => [mul(g, mul(x!, 2))]),
  // tanh′ = 1 − tanh²
  tanh: unary(tanhInto, (g, { output: y }) => [mul(g, sub(1, mul(y, y)))]),
  // 1 for x > 0 and 0 for x ≤ 0 (0 at the kink, as PyTorch does)
  relu: unary(reluInto, (g, { inputs: [x] }) => [mul(g, gt(x!, 0))]),
  // softplus′ = σ
  softplus: unary(softplusInto, (g, { inputs: [x] }) => [mul(g, sigmoid(x!))]),
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
