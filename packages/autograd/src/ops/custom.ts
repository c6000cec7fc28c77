/**
 * The user-facing door for custom ops. A custom op goes through the same `applyOp` as every
 * built-in: it is recorded on the tape under its own name, shows up in tape listings and anomaly
 * reports, and its gradients get the engine's central shape and dtype checks.
 * @packageDocumentation
 */
import { Tensor } from '../tensor.js';
import { ArgumentError, GradError } from '../errors.js';
import { describeValue, formatShape } from '../shape.js';
import { checkOptions } from '../options.js';
import { applyOp, type OpSpec } from './define.js';
import { isGradEnabled } from '../tape/mode.js';

/** What a custom op's vjp receives besides the incoming gradient. */
export interface CustomVjpContext {
  /** The op's inputs (on the tape: a vjp written in tensor ops is itself differentiable). */
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  /** Which inputs need a gradient; return null for the others to skip their work. */
  readonly needsGrad: readonly boolean[];
}

/** The definition of a custom op, see {@link defineOp}. */
export interface CustomOpDefinition {
  /** Shown in tape listings and in every error about the op. */
  readonly name: string;
  /** The number of tensor inputs; checked at every call (default: `forward.length` when it is > 0). */
  readonly arity?: number;
  /** Computes the output from the inputs; runs with recording off, so it may use any tensor ops. */
  readonly forward: (...inputs: Tensor[]) => Tensor;
  /**
   * Given g = ∂C/∂output, returns ∂C/∂input for each input (null where none). Write it in tensor
   * ops to get higher-order gradients; gradients of a broadcast shape are summed back centrally.
   */
  readonly vjp: (g: Tensor, ctx: CustomVjpContext) => readonly (Tensor | null)[];
  /** Set to false when the vjp cannot be differentiated: higher-order gradients then throw instead of being wrong. */
  readonly vjpDifferentiable?: boolean;
  /**
   * Forward mode's rule: given each input's tangent (null for a zero tangent), return the output's
   * tangent, of the output's shape and dtype (null for zero). Without it, {@link jvp} and the
   * transforms built on it (jacfwd, hessian) throw when a tangent reaches the op.
   */
  readonly jvp?: (tangents: readonly (Tensor | null)[], ctx: CustomJvpContext) => Tensor | null;
}

/** What a custom op's jvp receives besides the input tangents. */
export interface CustomJvpContext {
  /** The op's inputs (the primals). */
  readonly inputs: readonly Tensor[];
  /** The op's output. */
  readonly output: Tensor;
}

/** A custom op: call it with tensors like any built-in op. */
export type CustomOp = ((...inputs: Tensor[]) => Tensor) & {
  /** The name given at definition, as shown in tape listings and errors. */
  readonly opName: string;
};

function checkName(where: string, name: unknown): string {
  if (typeof name !== 'string' || !/^[A-Za-z_][\w.:-]*$/.test(name)) {
    throw new ArgumentError(
      `${where}: name must be an identifier-like string such as 'myGelu', got ${describeValue(name)}; it names the op in tape listings and errors.`,
    );
  }
  return name;
}

function checkArgs(name: string, arity: number | undefined, args: readonly unknown[]): Tensor[] {
  if (arity !== undefined && args.length !== arity) {
    throw new ArgumentError(`${name}: expects ${arity} tensor input(s), got ${args.length}.`);
  }
  return args.map((a, i) => {
    if (a instanceof Tensor) return a;
    throw new ArgumentError(
      `${name}: input ${i} must be a Tensor, got ${a === null ? 'null' : typeof a}; wrap numbers with tensor(...).`,
    );
  });
}

/**
 * The op's result as a tensor the tape may own. The engine attaches the tape node to the output
 * object, so handing back an input (an identity forward) or any pre-existing tensor would rewrite
 * that tensor's history; a fresh header over the same data avoids it.
 */
function ownedOutput(name: string, out: unknown, inputs: readonly Tensor[]): Tensor {
  if (!(out instanceof Tensor)) {
    throw new GradError(
      `${name}: forward must return a Tensor, got ${out === null ? 'null' : typeof out} (inputs ${inputs.map((t) => formatShape(t.shape)).join(', ')}).`,
    );
  }
  return out.detach();
}

/**
 * Makes a first-class op from user code: `forward` computes the value, `vjp` its gradient.
 * The result is recorded on the tape under `name`, and the engine checks that the vjp returns
 * one gradient per input with the input's shape and dtype, naming the op and input otherwise.
 *
 * @example
 * const cube = defineOp({
 *   name: 'cube',
 *   forward: (x) => x.mul(x).mul(x),
 *   vjp: (g, { inputs: [x] }) => [g.mul(x!).mul(x!).mul(3)],
 * });
 */
export function defineOp(definition: CustomOpDefinition): CustomOp {
  if (typeof definition !== 'object' || definition === null)
    throw new ArgumentError('defineOp: pass an object {name, forward, vjp}.');
  checkOptions('defineOp', definition, ['name', 'arity', 'forward', 'vjp', 'jvp', 'vjpDifferentiable']);
  const name = checkName('defineOp', definition.name);
  const { forward, vjp } = definition;
  if (typeof forward !== 'function')
    throw new ArgumentError(`defineOp '${name}': forward must be a function (...inputs: Tensor[]) => Tensor.`);
  if (typeof vjp !== 'function') {
    throw new ArgumentError(
      `defineOp '${name}': vjp must be a function (g, {inputs, output, needsGrad}) => gradients; for an op with no derivative, use noGrad instead of an op.`,
    );
  }
  const arity = definition.arity ?? (forward.length > 0 ? forward.length : undefined);
  if (arity !== undefined && (!Number.isInteger(arity) || arity < 0))
    throw new ArgumentError(`defineOp '${name}': arity must be a non-negative integer, got ${arity}.`);
  const jvp = definition.jvp;
  if (jvp !== undefined && typeof jvp !== 'function') {
    throw new ArgumentError(
      `defineOp '${name}': jvp must be a function (tangents, {inputs, output}) => tangent, or left out.`,
    );
  }
  const spec: OpSpec<void> = {
    name,
    forward: (inputs) => ownedOutput(name, forward(...inputs), inputs),
    vjp: (g, { inputs, output, needsGrad }) => vjp(g, { inputs, output, needsGrad }),
    ...(definition.vjpDifferentiable === false ? { vjpDifferentiable: false } : {}),
    ...(jvp === undefined ? {} : { jvp: (tangents, { inputs, output }) => jvp(tangents, { inputs, output }) }),
  };
  const op = (...args: Tensor[]): Tensor => applyOp(spec, checkArgs(name, arity, args), undefined);
  return Object.assign(op, { opName: name });
}

/** The forward and backward rules of {@link customVjp}. */
export interface CustomVjpRules<R> {
  /** Computes the output and what bwd needs (the residuals). Runs with recording off. */
  readonly fwd: (...inputs: Tensor[]) => readonly [Tensor, R];
  /** Given the residuals and g = ∂C/∂output, returns one gradient per input (null where none). */
  readonly bwd: (residuals: R, g: Tensor) => readonly (Tensor | null)[];
  /** Shown in tape listings and errors (default: the function's name, or 'customVjp'). */
  readonly name?: string;
}

interface Residuals {
  value: unknown;
}

/**
 * JAX's `custom_vjp`: a function whose gradient is given by `bwd` instead of being derived from the
 * ops inside `f`, for numerical stability, speed, or gradient surgery. When nothing is being
 * differentiated, `f` runs as is; otherwise `fwd` runs once, its residuals are kept on the tape, and
 * `bwd` supplies the vjp. Because the residuals are constants to the tape, second derivatives
 * through the result throw (see {@link CustomVjpRules}).
 */
export function customVjp<R>(f: (...inputs: Tensor[]) => Tensor, rules: CustomVjpRules<R>): CustomOp {
  if (typeof f !== 'function')
    throw new ArgumentError('customVjp: f must be a function (...inputs: Tensor[]) => Tensor.');
  if (typeof rules !== 'object' || rules === null)
    throw new ArgumentError(
      `customVjp: pass the rules {fwd, bwd} as the second argument, got ${describeValue(rules)}; fwd(...inputs) returns [output, residuals], bwd(residuals, g) one gradient per input.`,
    );
  checkOptions('customVjp', rules, ['fwd', 'bwd', 'name']);
  const name = checkName('customVjp', rules.name ?? (f.name || 'customVjp'));
  if (typeof rules.fwd !== 'function' || typeof rules.bwd !== 'function') {
    throw new ArgumentError(
      `customVjp '${name}': pass {fwd, bwd}: fwd(...inputs) returns [output, residuals], bwd(residuals, g) returns one gradient per input.`,
    );
  }
  const spec: OpSpec<Residuals> = {
    name,
    forward: (inputs, params) => {
      const result = rules.fwd(...inputs);
      if (!Array.isArray(result) || result.length !== 2) {
        throw new GradError(
          `customVjp '${name}': fwd must return [output, residuals], got ${Array.isArray(result) ? `an array of ${result.length}` : typeof result}.`,
        );
      }
      params.value = result[1];
      return ownedOutput(name, result[0], inputs);
    },
    vjp: (g, { params }) => rules.bwd(params.value as R, g),
    vjpDifferentiable: false,
  };
  const op = (...args: Tensor[]): Tensor => {
    const inputs = checkArgs(name, undefined, args);
    if (!isGradEnabled() || !inputs.some((t) => t.requiresGrad)) return f(...inputs);
    return applyOp(spec, inputs, { value: undefined });
  };
  return Object.assign(op, { opName: name });
}
