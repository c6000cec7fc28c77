import type { Tensor } from '../tensor.js';
import { AnomalyError } from '../errors.js';
import { formatShape } from '../shape.js';
import type { Node } from './node.js';

function firstNonFinite(t: Tensor): number {
  const d = t.data;
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) return i;
  return -1;
}

function range(t: Tensor): string {
  let lo = Infinity;
  let hi = -Infinity;
  let nan = 0;
  for (const v of t.data) {
    if (Number.isNaN(v)) nan++;
    else {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (t.size === 0) return 'empty';
  return `min ${lo}, max ${hi}${nan ? `, ${nan} NaN` : ''}`;
}

function describeInputs(inputs: readonly Tensor[]): string {
  return inputs.map((t, i) => `  input ${i}: shape ${formatShape(t.shape)} ${t.dtype}, ${range(t)}`).join('\n');
}

function callSite(stack: string | undefined): string {
  if (!stack) return '';
  const frames = stack.split('\n').slice(1).filter((l) => !/[/\\](autograd[/\\](src|dist)|node_modules)[/\\]/.test(l));
  return frames.length ? `\ncalled at:\n${frames.slice(0, 6).join('\n')}` : '';
}

/**
 * In anomaly mode: throws when an op turned finite inputs into a NaN or Infinity, naming the op
 * (the cause), its input shapes and ranges, and where it was called.
 */
export function checkForwardAnomaly(op: string, inputs: readonly Tensor[], output: Tensor): void {
  const bad = firstNonFinite(output);
  if (bad < 0) return;
  if (inputs.some((t) => firstNonFinite(t) >= 0)) return; // an earlier op is to blame and was reported there
  throw new AnomalyError(
    `anomaly: ${op} produced ${output.data[bad]} at flat index ${bad} of its output ${formatShape(output.shape)} ` +
      `from finite inputs:\n${describeInputs(inputs)}${callSite(new Error().stack)}`,
  );
}

/** In anomaly mode: throws when a vjp returned a non-finite gradient, naming the forward op that recorded it. */
export function checkBackwardAnomaly(node: Node, inputIndex: number, grad: Tensor, incoming: Tensor): void {
  const bad = firstNonFinite(grad);
  if (bad < 0 || firstNonFinite(incoming) >= 0) return;
  throw new AnomalyError(
    `anomaly: the gradient of ${node.op.name} (node ${node.id}) for input ${inputIndex} has ${grad.data[bad]} at flat index ${bad} ` +
      `although the incoming gradient was finite:\n${describeInputs(node.inputs)}${callSite(node.stack)}`,
  );
}
