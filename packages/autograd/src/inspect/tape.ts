/**
 * The tape as plain data: every recorded op reachable from some outputs, in the order it ran, with
 * the leaves it read listed just before their first use.
 * @packageDocumentation
 */
import { checkOptions } from '../options.js';
import { Tensor } from '../tensor.js';
import { ArgumentError } from '../errors.js';
import type { DType } from '../dtype.js';
import { type Shape, describeValue } from '../shape.js';
import { reachableNodes } from '../engine/plan.js';

/** One line of the tape: a leaf tensor or a recorded op. */
export interface TapeEntry {
  /** Position in this listing, from 0; stable across runs, unlike node ids. Inputs refer to it. */
  id: number;
  /** 'leaf' for tensors no recorded op produced (inputs, parameters, constants), 'op' otherwise. */
  kind: 'leaf' | 'op';
  /** The op's name, or 'leaf'. */
  op: string;
  /** The engine's node id (process-wide, increasing), null for leaves. */
  nodeId: number | null;
  /** The listing ids of the op's inputs, in argument order (empty for leaves and released nodes). */
  inputs: number[];
  /** The shape of the tensor this entry produced (or is). */
  shape: Shape;
  dtype: DType;
  /** Whether gradients flow to it. */
  requiresGrad: boolean;
  /** The name given in `options.names`, if any. */
  name: string | null;
  /** True when a backward pass already freed this node (its inputs are no longer known). */
  released: boolean;
  /** True for the tensors the listing was taken from. */
  isOutput: boolean;
  /** The op's non-tensor parameters (axes, shapes, ...), as recorded; null once the node is released. */
  params: unknown;
  tensor: Tensor;
}

/** Options of the tape listings. */
export interface TapeOptions {
  /** Display names for tensors, e.g. `{ x, W1, b1 }`; used in listings and DOT labels. */
  names?: Readonly<Record<string, Tensor>>;
}

function namesOf(where: string, given: TapeOptions | undefined): Map<Tensor, string> {
  const options = checkOptions(where, given, ['names']);
  if (options.names !== undefined && (typeof options.names !== 'object' || options.names === null))
    throw new ArgumentError(`${where}: names must be an object such as {x, W}, got ${describeValue(options.names)}.`);
  const map = new Map<Tensor, string>();
  for (const [name, t] of Object.entries(options.names ?? {})) {
    if (!(t instanceof Tensor)) throw new ArgumentError(`${where}: names.${name} is not a Tensor.`);
    map.set(t, name);
  }
  return map;
}

/**
 * The recorded history of `outputs`: each reachable node once, in recording order (ascending node
 * id, a topological order), each leaf just before the first op that reads it.
 */
export function tapeNodes(outputs: Tensor | readonly Tensor[], options?: TapeOptions): TapeEntry[] {
  return listTape('tapeNodes', outputs, options);
}

/** {@link tapeNodes} for the function `where` the caller called (formatTape, toDot), named in errors. */
export function listTape(where: string, outputs: Tensor | readonly Tensor[], options?: TapeOptions): TapeEntry[] {
  // Plain-JS callers can pass anything; spreading a non-iterable would be a raw TypeError.
  if (!(outputs instanceof Tensor) && !Array.isArray(outputs)) {
    throw new ArgumentError(
      `${where}: outputs must be a Tensor or an array of tensors, got ${describeValue(outputs)}.`,
    );
  }
  const outs = outputs instanceof Tensor ? [outputs] : [...outputs];
  outs.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ArgumentError(`${where}: output ${i} is not a Tensor.`);
  });
  const names = namesOf(where, options);
  const isOutput = new Set(outs);
  const ids = new Map<Tensor, number>();
  const entries: TapeEntry[] = [];
  const base = (t: Tensor) => ({
    shape: t.shape,
    dtype: t.dtype,
    requiresGrad: t.requiresGrad,
    name: names.get(t) ?? null,
    isOutput: isOutput.has(t),
    tensor: t,
  });
  const idOf = (t: Tensor): number => {
    const known = ids.get(t);
    if (known !== undefined) return known;
    // Reached only for leaves: producers have smaller node ids, so they were listed first.
    const id = entries.length;
    ids.set(t, id);
    entries.push({
      id,
      kind: 'leaf',
      op: 'leaf',
      nodeId: null,
      inputs: [],
      released: false,
      params: undefined,
      ...base(t),
    });
    return id;
  };
  const nodes = reachableNodes(outs).reverse();
  for (const node of nodes) {
    const inputs = node.inputs.map(idOf);
    const id = entries.length;
    ids.set(node.output, id);
    entries.push({
      id,
      kind: 'op',
      op: node.op.name,
      nodeId: node.id,
      inputs,
      released: node.released,
      params: node.params,
      ...base(node.output),
    });
  }
  for (const t of outs) idOf(t);
  return entries;
}
