/**
 * Forward mode's state: the tangents of the jvp calls in progress. Each `jvp` opens a level that
 * maps tensors to their tangents; every op computed while levels are open pushes its inputs'
 * tangents through its jvp rule (ops/define.ts), with no tape.
 *
 * Nested jvp calls open nested levels. A level's rule runs with only the levels outside it open,
 * so an inner tangent carries the outer perturbation (what a second derivative needs) while an
 * outer tangent never sees the inner one: two perturbations never get confused.
 * @packageDocumentation
 */
import type { Tensor } from '../tensor.js';
import { GradError } from '../errors.js';
import { formatShape, shapesEqual } from '../shape.js';
import { engine } from '../process.js';

/** One jvp call's tangents, keyed by the tensors they perturb. */
export interface TangentLevel {
  readonly tangents: WeakMap<Tensor, Tensor>;
}

// The open levels live in the process-wide engine state (engine.tangentLevels), so that both builds
// of the package see the same forward-mode levels.

/** The open levels, outermost first; empty (and cheap to test) outside forward mode. */
export function openLevels(): readonly TangentLevel[] {
  return engine.tangentLevels as readonly TangentLevel[];
}

/** Runs `fn` with exactly `levels` open, restoring the previous levels afterwards. */
export function withLevels<T>(levels: readonly TangentLevel[], fn: () => T): T {
  const saved = openLevels();
  engine.tangentLevels = levels;
  try {
    return fn();
  } finally {
    engine.tangentLevels = saved;
  }
}

/** Swaps the open levels without a closure (for applyOp's hot path); returns the previous ones. */
export function swapLevels(levels: readonly TangentLevel[]): readonly TangentLevel[] {
  const saved = openLevels();
  engine.tangentLevels = levels;
  return saved;
}

/** Runs `fn` inside a new innermost level. */
export function withNewLevel<T>(level: TangentLevel, fn: () => T): T {
  return withLevels([...openLevels(), level], fn);
}

/** The rules forward mode needs from an op: its name and its jvp (see ops/define.ts). */
interface JvpSource {
  readonly name: string;
  readonly jvp?:
    | ((
        tangents: readonly (Tensor | null)[],
        ctx: { inputs: readonly Tensor[]; output: Tensor; params: any },
      ) => Tensor | null)
    | null;
}

/**
 * Computes and stores the output tangent of one op at every open level where some input has a
 * tangent. A custom op without a jvp rule is an error here, never a silent zero tangent.
 */
export function pushTangents(
  spec: JvpSource,
  inputs: readonly Tensor[],
  output: Tensor,
  params: unknown,
  levels: readonly TangentLevel[],
): void {
  for (let l = levels.length - 1; l >= 0; l--) {
    const level = levels[l]!;
    let tangents: (Tensor | null)[] | null = null;
    for (let i = 0; i < inputs.length; i++) {
      const t = level.tangents.get(inputs[i]!);
      if (t === undefined) continue;
      tangents ??= inputs.map(() => null);
      tangents[i] = t;
    }
    if (tangents === null) continue;
    const rule = spec.jvp;
    if (rule === null) continue; // no derivative: the output is locally constant
    if (rule === undefined) {
      throw new GradError(
        `jvp: op '${spec.name}' has no jvp rule, so forward mode cannot pass a tangent through it. ` +
          `Give defineOp a jvp (tangents → output tangent), or differentiate in reverse mode (grad, vjp, jacrev).`,
      );
    }
    const t = withLevels(levels.slice(0, l), () => rule(tangents, { inputs, output, params }));
    if (t === null) continue;
    if (!shapesEqual(t.shape, output.shape) || t.dtype !== output.dtype) {
      throw new GradError(
        `jvp: the jvp rule of '${spec.name}' returned a tangent of shape ${formatShape(t.shape)} (${t.dtype}) ` +
          `for an output of shape ${formatShape(output.shape)} (${output.dtype}); a tangent must match its output's shape and dtype.`,
      );
    }
    level.tangents.set(output, t);
  }
}

/**
 * `x.detach()` for the engine's and the transforms' reverse-mode bookkeeping: it cuts the tape but
 * keeps x's forward-mode tangents, so that forward-over-reverse (jvp of grad, hessian) still sees
 * the perturbation flowing through a gradient computation.
 */
export function detachKeepingTangents(x: Tensor): Tensor {
  const d = x.detach();
  for (const level of openLevels()) {
    const t = level.tangents.get(x);
    if (t !== undefined) level.tangents.set(d, t);
  }
  return d;
}
