import { type DType, allocate, checkDType } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { applyOp, defineOps } from './define.js';
import { expectTensor } from './operands.js';

/** The dtype conversion, its forward beside its vjp. */
export const CAST_OPS = defineOps({
  cast: {
    forward: ([x], dtype) => {
      const out = allocate(dtype, x!.size);
      out.set(x!.data);
      return new Tensor(out, x!.shape);
    },
    vjp: (g, { inputs: [x] }) => [cast(g, x!.dtype)],
    jvp: ([t], { params: dtype }) => cast(t!, dtype),
  },
});

/** The same values in `dtype`; returns `x` itself when it already has that dtype. Differentiable. */
export function cast(x: Tensor, dtype: DType): Tensor {
  const t = expectTensor('cast', x);
  const d = checkDType('cast', dtype);
  return t.dtype === d ? t : applyOp(CAST_OPS.cast, [t], d);
}
