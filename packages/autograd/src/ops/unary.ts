/** Unary elementwise ops: each forward kernel beside its vjp. */
import { allocate } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { mapUnary } from '../kernels/elementwise.js';
import { applyOp, type OpSpec, type Vjp } from './define.js';
import { expectTensor } from './operands.js';
import { mul, div, sub } from './elementwise.js';

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
