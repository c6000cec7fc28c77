/** Unary elementwise ops: each forward kernel beside its vjp. */
import { allocate } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { mapUnary } from '../kernels/elementwise.js';
import { applyOp, type OpSpec, type Vjp } from './define.js';
import { expectTensor } from './operands.js';
import { mul, div, sub } from './elementwise.js';
import { gt, sign } from './compare.js';

/** Builds a unary op from a scalar function and its vjp. */
function unaryOp(name: string, fn: (x: number) => number, vjp: Vjp<void>): (x: Tensor) => Tensor {
  const spec: OpSpec<void> = {
    name,
    forward: ([x]) => {
      const out = allocate(x!.dtype, x!.size);
      mapUnary(x!.data, out, fn);
      return new Tensor(out, x!.shape);
    },
    vjp,
  };
  return (x) => applyOp(spec, [expectTensor(name, x)], undefined);
}

/** The logistic function, branching on sign so that neither branch overflows. */
export function stableSigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** −x. */
export const neg = unaryOp('neg', (x) => -x, (g) => [neg(g)]);

/** eˣ. */
export const exp = unaryOp('exp', Math.exp, (g, { output }) => [mul(g, output)]);

/** Natural logarithm. */
export const log = unaryOp('log', Math.log, (g, { inputs: [x] }) => [div(g, x!)]);

/** σ(x) = 1 / (1 + e⁻ˣ), stable for any x (σ(±Infinity) = 1 or 0); σ′ = σ(1 − σ). */
export const sigmoid = unaryOp('sigmoid', stableSigmoid, (g, { output: s }) => [mul(g, mul(s, sub(1, s)))]);

/** softplus(x) = log(1 + eˣ) in the form max(x, 0) + log1p(e^−|x|), which never overflows. */
export function stableSoftplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** √x (NaN for x < 0); (√x)′ = 1 / (2√x), infinite at 0. */
export const sqrt = unaryOp('sqrt', Math.sqrt, (g, { output }) => [div(g, mul(output, 2))]);

/** |x|. The gradient is sign(x), taking 0 at x = 0 (the subgradient PyTorch and JAX use). */
export const abs = unaryOp('abs', Math.abs, (g, { inputs: [x] }) => [mul(g, sign(x!))]);

/** x²; (x²)′ = 2x. */
export const square = unaryOp('square', (x) => x * x, (g, { inputs: [x] }) => [mul(g, mul(x!, 2))]);

/** Hyperbolic tangent (±1 at ±Infinity); tanh′ = 1 − tanh². */
export const tanh = unaryOp('tanh', Math.tanh, (g, { output: y }) => [mul(g, sub(1, mul(y, y)))]);

/** max(x, 0). The gradient is 1 for x > 0 and 0 for x ≤ 0 (0 at the kink, as PyTorch does). */
export const relu = unaryOp('relu', (x) => (x > 0 ? x : x === x ? 0 : x), (g, { inputs: [x] }) => [mul(g, gt(x!, 0))]);

/**
 * softplus(x) = log(1 + eˣ), computed stably; softplus′ = σ(x). Finite for every finite x
 * (softplus(800) = 800, softplus(−800) ≈ 0 with gradients 1 and 0); softplus(+Infinity) =
 * +Infinity with gradient 1 and softplus(−Infinity) = 0 with gradient 0.
 */
export const softplus = unaryOp('softplus', stableSoftplus, (g, { inputs: [x] }) => [mul(g, sigmoid(x!))]);
