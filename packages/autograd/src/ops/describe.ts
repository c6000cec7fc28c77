/**
 * How tape listings show the parameters of the axis-taking ops: only what the output shape does
 * not already tell, so `sum(%3)` over every axis stays as it is.
 * @packageDocumentation
 */
import type { Tensor } from '../tensor.js';
import type { ReduceParams } from './params.js';

/** A reduction's axes, unless it folds every axis, and `keepdims` when set. */
export function describeReduction({ axes, keepdims }: ReduceParams, [x]: readonly Tensor[]): string {
  const all = x !== undefined && axes.length === x.ndim;
  return [all ? '' : `axes [${axes.join(', ')}]`, keepdims ? 'keepdims' : ''].filter(Boolean).join(', ');
}

/** The axes a softmax-like op normalises over, unless it is only the last one (the default). */
export function describeLanes({ axes }: ReduceParams, [x]: readonly Tensor[]): string {
  const last = x !== undefined && axes.length === 1 && axes[0] === x.ndim - 1;
  return last ? '' : `axes [${axes.join(', ')}]`;
}
