/**
 * Anomaly mode: find the op that first produced a NaN or Infinity, and say where it was called.
 * @packageDocumentation
 */
import type { Tensor } from '../tensor.js';
import { AnomalyError } from '../errors.js';
import { formatShape } from '../shape.js';
import type { Node } from './node.js';

function firstNonFinite(t: Tensor): number {
  const d = t.data;
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) return i;
  return -1;
}

function firstNaN(t: Tensor): number {
  const d = t.data;
  for (let i = 0; i < d.length; i++) if (Number.isNaN(d[i]!)) return i;
  return -1;
}

function range(t: Tensor): string {
  if (t.size === 0) return 'empty';
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
  return nan === t.size ? 'all NaN' : `min ${lo}, max ${hi}${nan ? `, ${nan} NaN` : ''}`;
}

function describeInputs(inputs: readonly Tensor[]): string {
  return inputs.map((t, i) => `  input ${i}: shape ${formatShape(t.shape)} ${t.dtype}, ${range(t)}`).join('\n');
}

// Frames of this library (source or build), of dependencies and of Node itself say nothing about
// which line of the user's model misbehaved; they are dropped from the reported call site.
const INTERNAL_FRAME = /[/\\](autograd[/\\](src|dist)|node_modules)[/\\]|\(node:|at node:/;

/**
 * The current stack, deep enough to get past the library's own frames (the default limit of 10
 * can be used up entirely by op wrappers, applyOp and the engine).
 */
export function captureStack(): string | undefined {
  // stackTraceLimit is a V8 extension (declared only by Node's types); elsewhere it is inert.
  const errorClass = Error as { stackTraceLimit?: number };
  const limit = errorClass.stackTraceLimit;
  errorClass.stackTraceLimit = 50;
  try {
    return new Error().stack;
  } finally {
    errorClass.stackTraceLimit = limit;
  }
}

/** The first few frames of `stack` that are user code, formatted for an error message. */
export function userCallSite(stack: string | undefined): string {
  if (!stack) return '';
  const frames = stack
    .split('\n')
    .slice(1)
    .filter((l) => !INTERNAL_FRAME.test(l))
    .map((l) => l.trim());
  return frames.length ? `\ncalled at:\n    ${frames.slice(0, 4).join('\n    ')}` : '';
}

/**
 * In anomaly mode: throws when an op turned finite inputs into a NaN or Infinity, naming the op
 * (the cause), its input shapes and ranges, and where it was called. When an input is already
 * non-finite, an earlier op was reported; a leaf holding NaN (bad data) is reported as such.
 */
export function checkForwardAnomaly(op: string, inputs: readonly Tensor[], output: Tensor): void {
  // Only NaN is blamed on leaves: ±Infinity constants are legitimate (masks before a softmax).
  const badLeaf = inputs.findIndex((t) => t.isLeaf && firstNaN(t) >= 0);
  if (badLeaf >= 0) {
    const t = inputs[badLeaf]!;
    const at = firstNaN(t);
    throw new AnomalyError(
      `anomaly: input ${badLeaf} of '${op}' is a leaf tensor (data, a parameter or a constant, not produced by a recorded op) ` +
        `that already holds ${t.data[at]} at flat index ${at}:\n${describeInputs(inputs)}${userCallSite(captureStack())}`,
    );
  }
  const bad = firstNonFinite(output);
  if (bad < 0) return;
  if (inputs.some((t) => firstNonFinite(t) >= 0)) return; // blamed where it first appeared
  throw new AnomalyError(
    `anomaly: '${op}' produced ${output.data[bad]} at flat index ${bad} of its output ${formatShape(output.shape)} ` +
      `from finite inputs:\n${describeInputs(inputs)}${userCallSite(captureStack())}`,
  );
}

/** In anomaly mode: throws when a vjp returned a non-finite gradient, naming the forward op that recorded it. */
export function checkBackwardAnomaly(node: Node, inputIndex: number, grad: Tensor, incoming: Tensor): void {
  const bad = firstNonFinite(grad);
  if (bad < 0 || firstNonFinite(incoming) >= 0) return;
  const where = node.stack
    ? `\nthe forward '${node.op.name}' was ${userCallSite(node.stack).slice(1)}`
    : ' (record the forward pass in anomaly mode to see where it was called)';
  throw new AnomalyError(
    `anomaly: the gradient of '${node.op.name}' (node ${node.id}) for input ${inputIndex} has ${grad.data[bad]} at flat index ${bad} ` +
      `although the incoming gradient (${range(incoming)}) was finite; the forward inputs were:\n${describeInputs(node.inputs)}${where}`,
  );
}
