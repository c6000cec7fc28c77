/**
 * Full Jacobians, JAX's `jacrev`, `jacfwd` and `hessian`: one reverse pass per output element, or
 * one forward pass per input element. Results are assembled with tensor ops (stack, reshape), so
 * the transforms nest (`hessian = jacfwd(jacrev(f))`) and can themselves be differentiated.
 * @packageDocumentation
 */
import { Tensor } from '../tensor.js';
import { ArgumentError } from '../errors.js';
import { zeros, zerosLike } from '../creation.js';
import { reshape } from '../ops/movement.js';
import { stack } from '../ops/slicing.js';
import { checkOptions } from '../options.js';
import { type TreeDef, treeFlatten, treeUnflatten } from './pytree.js';
import { normalizeArgnums, vjp } from './transforms.js';
import { pushForward } from './jvp.js';

/** Options of {@link jacrev}, {@link jacfwd} and {@link hessian}. */
export interface JacobianOptions {
  /** Which positional argument(s) to differentiate with respect to (default 0); a list gives one Jacobian per argument. */
  argnums?: number | readonly number[];
}

/** A one-hot tensor: 1 at flat index `j`, of `like`'s shape and dtype. */
function basis(like: Tensor, j: number): Tensor {
  const e = zerosLike(like);
  e.data[j] = 1;
  return e;
}

/** The selected arguments' tensor leaves, and how to rebuild the result per argument. */
interface Selection {
  readonly argnums: number[];
  readonly single: boolean;
  readonly defs: TreeDef[];
  /** Tensor leaves per selected argument. */
  readonly leaves: Tensor[][];
}

function select(name: string, options: JacobianOptions | undefined, args: readonly unknown[]): Selection {
  const { argnums: raw } = checkOptions(name, options, ['argnums']);
  const [argnums, single] = normalizeArgnums(name, raw);
  const defs: TreeDef[] = [];
  const leaves: Tensor[][] = [];
  for (const a of argnums) {
    if (!Number.isInteger(a) || a < 0 || a >= args.length) {
      throw new ArgumentError(
        `${name}: argnums ${a} is out of range for a call with ${args.length} argument(s); use 0..${args.length - 1}.`,
      );
    }
    const [ls, def] = treeFlatten(args[a]);
    defs.push(def);
    leaves.push(ls);
  }
  return { argnums, single, defs, leaves };
}

/**
 * Arranges blocks (`blocks[o][k][i]`: output leaf o, argument k, leaf i) into JAX's layout: the
 * output's structure, each output leaf holding the argument's structure (a list for a list of
 * argnums), each leaf of shape `out.shape ++ in.shape`.
 */
function arrange(sel: Selection, outDef: TreeDef, blocks: Tensor[][][]): unknown {
  const perOutput = blocks.map((perArg) => {
    const trees = perArg.map((ls, k) => treeUnflatten(sel.defs[k]!, ls));
    return sel.single ? trees[0] : trees;
  });
  return treeUnflatten(outDef, perOutput as unknown as Tensor[]);
}

function checkFunction(name: string, f: unknown): void {
  if (typeof f !== 'function') throw new ArgumentError(`${name}: f must be a function, got ${typeof f}.`);
}

/**
 * JAX's `jacrev`: returns a function computing the Jacobian of `f` with respect to argument
 * `argnums` by reverse mode, one backward pass per output element. Each block has shape
 * `out.shape ++ in.shape`; for pytrees, the result has the output's structure with the input's
 * structure at each leaf.
 */
export function jacrev<A extends unknown[]>(
  f: (...args: A) => unknown,
  options?: JacobianOptions,
): (...args: A) => any {
  checkFunction('jacrev', f);
  checkOptions('jacrev', options, ['argnums']);
  return (...args: A) => {
    const sel = select('jacrev', options, args);
    const flat = sel.leaves.flat();
    const rebuildArgs = (leaves: readonly Tensor[]): A => {
      const out = [...args] as unknown[];
      let at = 0;
      sel.argnums.forEach((a, k) => {
        const n = sel.leaves[k]!.length;
        out[a] = treeUnflatten(sel.defs[k]!, leaves.slice(at, at + n));
        at += n;
      });
      return out as A;
    };
    const [out, vjpFn] = vjp((...leaves: Tensor[]) => f(...rebuildArgs(leaves)), ...flat);
    const [outs, outDef] = treeFlatten(out);
    const blocks = outs.map((o, q) => {
      const rows: Tensor[][] = flat.map(() => []);
      for (let p = 0; p < o.size; p++) {
        const cotangent = treeUnflatten(
          outDef,
          outs.map((x, r) => (r === q ? basis(x, p) : zerosLike(x))),
        );
        const grads = vjpFn(cotangent as never) as unknown as Tensor[];
        grads.forEach((g, i) => rows[i]!.push(g));
      }
      const perLeaf = flat.map((x, i) =>
        rows[i]!.length === 0
          ? zeros([...o.shape, ...x.shape], { dtype: x.dtype })
          : reshape(stack(rows[i]!, 0), [...o.shape, ...x.shape]),
      );
      return split(sel, perLeaf);
    });
    return arrange(sel, outDef, blocks);
  };
}

/** Splits a flat per-leaf list into per-argument lists. */
function split(sel: Selection, perLeaf: Tensor[]): Tensor[][] {
  let at = 0;
  return sel.leaves.map((ls) => {
    const part = perLeaf.slice(at, at + ls.length);
    at += ls.length;
    return part;
  });
}

/**
 * JAX's `jacfwd`: returns a function computing the Jacobian of `f` with respect to argument
 * `argnums` by forward mode, one jvp per input element. Same layout as {@link jacrev}; prefer it
 * when the inputs are fewer than the outputs.
 */
export function jacfwd<A extends unknown[]>(
  f: (...args: A) => unknown,
  options?: JacobianOptions,
): (...args: A) => any {
  checkFunction('jacfwd', f);
  checkOptions('jacfwd', options, ['argnums']);
  return (...args: A) => {
    const sel = select('jacfwd', options, args);
    const flat = sel.leaves.flat();
    const call = f as (...a: unknown[]) => unknown;
    // columns[i][o]: the tangents of output leaf o, one per element of input leaf i.
    const columns: Tensor[][][] = flat.map(() => []);
    let outs: Tensor[] | undefined;
    let outDef: TreeDef | undefined;
    flat.forEach((x, i) => {
      for (let j = 0; j < x.size; j++) {
        let at = 0;
        const tangents = sel.leaves.map((ls) =>
          ls.map(() => {
            const t = at++ === i ? basis(x, j) : null;
            return t;
          }),
        );
        const [out, outTangents] = pushForward(call, args, sel.argnums, tangents);
        if (outs === undefined) [outs, outDef] = treeFlatten(out);
        outTangents.forEach((t, o) => (columns[i]![o] ??= []).push(t));
      }
    });
    if (outs === undefined) [outs, outDef] = treeFlatten(call(...args));
    const blocks = outs.map((o, q) =>
      split(
        sel,
        flat.map((x, i) => {
          const cols = columns[i]![q];
          return cols === undefined
            ? zeros([...o.shape, ...x.shape], { dtype: o.dtype })
            : reshape(stack(cols, o.ndim), [...o.shape, ...x.shape]);
        }),
      ),
    );
    return arrange(sel, outDef!, blocks);
  };
}

/**
 * JAX's `hessian`: `jacfwd(jacrev(f))`, forward-over-reverse. For a scalar `f` of a tensor of
 * shape s, the result has shape s ++ s.
 */
export function hessian<A extends unknown[]>(
  f: (...args: A) => unknown,
  options?: JacobianOptions,
): (...args: A) => any {
  checkOptions('hessian', options, ['argnums']);
  return jacfwd(jacrev(f, options), options);
}
