/** Bringing a tangent to its op's output, the step every jvp rule of a broadcasting op ends with. */
import type { Tensor } from '../tensor.js';
import { shapesEqual } from '../shape.js';
import { broadcastTo } from './movement.js';
import { cast } from './cast.js';

/**
 * `t` brought to the output's shape and dtype: a tangent may have an operand's smaller broadcast
 * shape, or the dtype of an operand before promotion.
 */
export function fitTangent(t: Tensor, output: Tensor): Tensor {
  const shaped = shapesEqual(t.shape, output.shape) ? t : broadcastTo(t, output.shape);
  return shaped.dtype === output.dtype ? shaped : cast(shaped, output.dtype);
}
