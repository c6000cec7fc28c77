import { Tensor, ArgumentError, ShapeError, formatShape } from '@tapegrad/autograd';
import { allocLike } from '../util.js';

/**
 * Turns class targets into a one-hot matrix of shape [m, k] matching the logits; it accepts integer
 * labels of shape [m] (stored as floats) or an already one-hot [m, k] tensor (returned as is).
 */
export function oneHotTargets(where: string, logits: Tensor, target: Tensor): Tensor {
  if (logits.ndim !== 2) {
    throw new ShapeError(
      `${where}: logits have shape ${formatShape(logits.shape)}; expected [m, classes], one sample per row.`,
    );
  }
  const [m, k] = logits.shape as [number, number];
  if (target.ndim === 2 && target.shape[0] === m && target.shape[1] === k) return target;
  if (target.ndim !== 1 || target.shape[0] !== m) {
    throw new ShapeError(
      `${where}: target has shape ${formatShape(target.shape)}, but logits ${formatShape(logits.shape)} need integer labels [${m}] or one-hot rows [${m}, ${k}].`,
    );
  }
  const out = allocLike(logits);
  for (let i = 0; i < m; i++) {
    const c = target.data[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= k) {
      throw new ArgumentError(`${where}: label ${c} at row ${i} is not an integer class in [0, ${k - 1}].`);
    }
    out[i * k + c] = 1;
  }
  return new Tensor(out, [m, k]);
}

/** The class index of each row: the label itself for [m] targets, the argmax for [m, k] rows. */
export function classIndices(t: Tensor): Int32Array {
  if (t.ndim === 1) return Int32Array.from(t.data, (v) => Math.round(v));
  if (t.ndim !== 2)
    throw new ShapeError(`classIndices: expected labels [m] or rows [m, k], got ${formatShape(t.shape)}.`);
  const [m, k] = t.shape as [number, number];
  const out = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    let best = 0;
    let bestV = -Infinity;
    for (let j = 0; j < k; j++) {
      const v = t.data[i * k + j]!;
      if (v > bestV) {
        bestV = v;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}
