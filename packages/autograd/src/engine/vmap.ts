/**
 * JAX's `vmap`: a function of one example, mapped over a batch. The function runs once, on
 * batched tensors that look like one example (ops/batching.ts), so it costs about what the
 * batched computation costs, and it composes with grad, jvp and itself.
 * @packageDocumentation
 */
import { Tensor } from '../tensor.js';
import { ArgumentError, ShapeError } from '../errors.js';
import { formatShape } from '../shape.js';
import { checkOptions } from '../options.js';
import { broadcastTo, permute, reshape } from '../ops/movement.js';
import '../ops/batching.js';
import { type VmapLevel, vmapState } from '../tape/vmap-state.js';
import { BatchTracer } from '../tape/batch-tracer.js';
import { treeFlatten, treeUnflatten } from './pytree.js';
import { engine } from '../process.js';

/** Options of {@link vmap}. */
export interface VmapOptions {
  /**
   * The batch axis of each argument (negative counts from the end), or `null` for an argument
   * shared by every example; one number applies to every argument. Default 0.
   */
  inAxes?: number | null | readonly (number | null)[];
  /** Where the batch axis goes in each output (one number for all, or one per top-level output). Default 0. */
  outAxes?: number | readonly number[];
}

/** Moves axis `from` of `x` to position `to`, through the recorded permute op. */
function moveAxis(x: Tensor, from: number, to: number): Tensor {
  if (from === to) return x;
  const order = x.shape.map((_, i) => i).filter((i) => i !== from);
  order.splice(to, 0, from);
  return permute(x, order);
}

function resolveAxis(where: string, axis: number, ndim: number): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new ShapeError(`${where}: axis ${axis} is out of range for ${ndim} dimension(s); use −${ndim}..${ndim - 1}.`);
  }
  return axis < 0 ? axis + ndim : axis;
}

function inAxesFor(spec: VmapOptions['inAxes'], count: number): (number | null)[] {
  if (spec === undefined) return Array.from({ length: count }, () => 0);
  if (spec === null || typeof spec === 'number') return Array.from({ length: count }, () => spec);
  if (!Array.isArray(spec) || spec.length !== count) {
    throw new ArgumentError(
      `vmap: inAxes gives ${Array.isArray(spec) ? spec.length : typeof spec} entries for a call with ${count} argument(s); give one axis (or null) per argument.`,
    );
  }
  return spec.map((a) => {
    if (a !== null && typeof a !== 'number') {
      throw new ArgumentError(`vmap: each entry of inAxes is an axis number or null, got ${JSON.stringify(a)}.`);
    }
    return a;
  });
}

/**
 * JAX's `vmap`: returns a function that maps `f` over a batch axis of its arguments. `f` is
 * written for one example; it runs once on the whole batch, every op applying its batching rule.
 * `inAxes` picks each argument's batch axis (null: shared by all examples), and `outAxes` where the
 * batch axis goes in the outputs. It nests, and composes with `grad`, `jvp` and the Jacobians:
 * `vmap(grad(loss), {inAxes: [null, 0, 0]})(params, X, Y)` gives per-example gradients.
 *
 * Inside `f`, a batched tensor's values cannot be read (`item()`, `toArray()`, `.data` throw a
 * named error); custom ops without a batching rule run once per example.
 */
export function vmap<A extends unknown[], R>(f: (...args: A) => R, options?: VmapOptions): (...args: A) => R {
  if (typeof f !== 'function') throw new ArgumentError(`vmap: f must be a function, got ${typeof f}.`);
  const { inAxes, outAxes = 0 } = checkOptions('vmap', options, ['inAxes', 'outAxes']);
  return (...args: A): R => {
    const axes = inAxesFor(inAxes, args.length);
    let size: number | null = null;
    let sizeFrom = '';
    const leafAxes: { leaves: Tensor[]; def: ReturnType<typeof treeFlatten>[1]; axes: number[] }[] = [];
    args.forEach((arg, i) => {
      const [leaves, def] = treeFlatten(arg);
      const axis = axes[i]!;
      const resolved = leaves.map((x, k) => {
        if (axis === null) return -1;
        const where = `argument ${i}${leaves.length > 1 ? `, leaf ${k}` : ''} (shape ${formatShape(x.shape)})`;
        const a = resolveAxis(`vmap: ${where}`, axis, x.ndim);
        const n = x.shape[a]!;
        if (size === null) [size, sizeFrom] = [n, `${where}, axis ${a}`];
        else if (n !== size) {
          throw new ShapeError(
            `vmap: ${where} has ${n} examples along axis ${a}, but ${sizeFrom} has ${size}; every batched argument needs the same batch size.`,
          );
        }
        return a;
      });
      leafAxes.push({ leaves, def, axes: resolved });
    });
    if (size === null) {
      throw new ArgumentError(
        'vmap: no argument is batched (every inAxes entry is null, or the batched arguments hold no tensors); map over at least one tensor.',
      );
    }
    const level: VmapLevel = { id: ++engine.vmapLevels, size, open: true };
    const traced = args.map((arg, i) => {
      const { leaves, def, axes: as } = leafAxes[i]!;
      if (axes[i] === null) return arg;
      return treeUnflatten(
        def,
        leaves.map((x, k) => new BatchTracer(moveAxis(x, as[k]!, 0), level)),
      );
    });
    vmapState.depth++;
    let out: R;
    try {
      out = f(...(traced as A));
    } finally {
      vmapState.depth--;
      level.open = false;
    }
    return unbatch(out, level, outAxes);
  };
}

/** The outputs as whole batches: tracers give their batch, other tensors are the same for every example. */
function unbatch<R>(out: R, level: VmapLevel, outAxes: number | readonly number[]): R {
  const [leaves, def] = treeFlatten(out);
  const topLevel = Array.isArray(out) ? out : [out];
  const perLeaf: number[] = [];
  if (typeof outAxes === 'number') leaves.forEach(() => perLeaf.push(outAxes));
  else {
    if (!Array.isArray(outAxes) || outAxes.length !== topLevel.length) {
      throw new ArgumentError(
        `vmap: outAxes gives ${Array.isArray(outAxes) ? outAxes.length : typeof outAxes} entries for ${topLevel.length} output(s); give one per output, or one number for all.`,
      );
    }
    topLevel.forEach((o, i) => treeFlatten(o)[0].forEach(() => perLeaf.push(outAxes[i]!)));
  }
  const batches = leaves.map((x, k) => {
    const whole =
      x instanceof BatchTracer && x.level === level
        ? x.inner
        : broadcastTo(reshape(x, [1, ...x.shape]), [level.size, ...x.shape]);
    const to = resolveAxis(
      `vmap: outAxes for output leaf ${k} (shape ${formatShape(whole.shape)})`,
      perLeaf[k]!,
      whole.ndim,
    );
    return moveAxis(whole, 0, to);
  });
  return treeUnflatten(def, batches);
}
