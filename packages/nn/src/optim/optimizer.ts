import {
  Tensor,
  ArgumentError,
  DTypeError,
  ShapeError,
  checkOptions,
  formatShape,
  noGrad,
  type FloatArray,
} from '@tapegrad/autograd';
import { Module } from '../module.js';
import { describeValue, shapesEqual } from '../util.js';
import { checkHyper, type HyperSpec, type HyperValue } from './hyper.js';
import { optimizerStateDict, loadOptimizerStateDict } from './state.js';
import type { StateDict } from '../module.js';

/** The hyperparameters every optimiser has: at least a learning rate. */
export interface Hyperparameters {
  /** Learning rate γ. */
  lr: number;
}

/**
 * One parameter group: its parameters and its own hyperparameters. Edit `lr` (or any other
 * hyperparameter) between steps; the next step validates the new value.
 */
export type ParamGroup<H extends Hyperparameters = Hyperparameters> = H & {
  /** The tensors of this group. */
  readonly params: readonly Tensor[];
};

/** A parameter group as given to an optimiser: its parameters and any hyperparameters to override. */
export type ParamGroupInput<H extends Hyperparameters = Hyperparameters> = Partial<H> & {
  /** A module or tensors. */
  params: Module | Iterable<Tensor>;
};

/** What optimisers accept as parameters: a module, tensors, or parameter groups with their own options. */
export type Params<H extends Hyperparameters = Hyperparameters> =
  Module | Iterable<Tensor> | Iterable<ParamGroupInput<H>>;

/** An optimiser's memory for one parameter: its step count t and its named buffers (momentum, moments…). */
export interface ParamState {
  /** Steps this parameter has taken (parameters with no gradient in a step do not advance). */
  step: number;
  /** Buffers of the parameter's size, float64 whatever the parameter's dtype. */
  readonly buffers: Map<string, Float64Array>;
}

function isIterable(v: unknown): v is Iterable<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function';
}

function paramList(where: string, what: string, params: unknown): Tensor[] {
  if (params instanceof Module) return params.parameters();
  if (!isIterable(params)) {
    throw new ArgumentError(
      `${where}: ${what} must be a Module, an iterable of Tensors, or of parameter groups {params, ...options}; got ${describeValue(params)}. Pass model or model.parameters().`,
    );
  }
  return [...params] as Tensor[];
}

/**
 * The base of every optimiser: parameter groups with their own hyperparameters, per-parameter
 * state, and an all-or-nothing `step` that validates every gradient and hyperparameter before
 * any parameter moves, then runs the updates under noGrad with `mutate_`, so version counters
 * catch a tape that saved the old values.
 */
export abstract class Optimizer<H extends Hyperparameters = Hyperparameters> {
  /** The optimiser's name, used in error messages ('SGD', 'Adam'). */
  readonly name: string;
  /** The parameter groups, each with its own hyperparameters. */
  readonly paramGroups: ParamGroup<H>[];
  /** Every parameter, group by group: the order of `step(grads)` and of the state dict. */
  readonly params: readonly Tensor[];
  /** The number of steps taken. */
  stepCount = 0;
  /** Per-parameter state, in the order of {@link Optimizer.params}. */
  readonly state: ParamState[];
  /** How each hyperparameter is defaulted and validated (also used when a state dict is loaded). */
  readonly spec: HyperSpec<H>;
  /** The names of the per-parameter buffers this optimiser may keep (checked when a state dict is loaded). */
  readonly bufferNames: readonly string[];

  /**
   * @param name the optimiser's name, for error messages.
   * @param params a module, tensors (leaves that require grad), or parameter groups.
   * @param options defaults for every group.
   * @param spec the hyperparameters, their defaults and checks.
   * @param bufferNames the per-parameter buffers the optimiser keeps.
   */
  protected constructor(
    name: string,
    params: Params<H>,
    options: Partial<H> | undefined,
    spec: HyperSpec<H>,
    bufferNames: readonly string[],
  ) {
    this.name = name;
    this.spec = spec;
    this.bufferNames = bufferNames;
    const keys = Object.keys(spec) as (keyof H & string)[];
    const defaults = checkOptions(name, options as H | undefined, keys);
    const items = paramList(name, 'params', params);
    if (items.length === 0)
      throw new ArgumentError(`${name}: no parameters to optimise; pass model or model.parameters().`);
    const grouped = !items.every((p) => p instanceof Tensor);
    const inputs: ParamGroupInput<H>[] = grouped
      ? items.map((g, i) => {
          if (g === null || typeof g !== 'object' || Array.isArray(g) || g instanceof Tensor || !('params' in g)) {
            throw new ArgumentError(
              `${name}: params mixes Tensors with ${describeValue(g)} (item ${i}); pass either tensors or parameter groups {params, ...options}.`,
            );
          }
          return g as ParamGroupInput<H>;
        })
      : [{ params: items } as unknown as ParamGroupInput<H>];
    this.paramGroups = inputs.map((input, gi) => {
      const where = grouped ? `${name} parameter group ${gi}` : name;
      const own = checkOptions(where, input, ['params', ...keys] as (keyof ParamGroupInput<H> & string)[]);
      const list = paramList(where, 'params', own.params);
      if (list.length === 0) throw new ArgumentError(`${where}: the group has no parameters.`);
      const hyper = {} as Record<string, HyperValue>;
      for (const key of keys) {
        const given = (own as Record<string, unknown>)[key] ?? (defaults as Record<string, unknown>)[key];
        hyper[key] = checkHyper(where, key, spec[key], given, true);
      }
      return { ...(hyper as unknown as H), params: list } as ParamGroup<H>;
    });
    const all = this.paramGroups.flatMap((g) => g.params);
    all.forEach((p, i) => {
      if (!(p instanceof Tensor))
        throw new ArgumentError(`${name}: parameter ${i} is ${describeValue(p)}, not a Tensor.`);
      if (!p.requiresGrad || !p.isLeaf) {
        throw new ArgumentError(
          `${name}: parameter ${i} (shape ${formatShape(p.shape)}) ${p.isLeaf ? 'does not require grad' : 'is not a leaf tensor'}, so it can never receive a gradient. ` +
            `Pass model.parameters(), or create the tensor with {requiresGrad: true}.`,
        );
      }
    });
    if (new Set(all).size !== all.length)
      throw new ArgumentError(
        `${name}: a parameter appears more than once (twice in a group, or in two groups); it would be updated twice per step.`,
      );
    this.params = all;
    this.state = all.map(() => ({ step: 0, buffers: new Map() }));
    this.validate(`${name}`);
  }

  /**
   * The learning rate shared by every group (what schedulers move). Throws when the groups'
   * rates differ; read `paramGroups[i].lr` then.
   */
  get lr(): number {
    const rates = new Set(this.paramGroups.map((g) => g.lr));
    if (rates.size !== 1) {
      throw new ArgumentError(
        `${this.name}.lr: the ${this.paramGroups.length} parameter groups have different learning rates (${this.paramGroups.map((g) => g.lr).join(', ')}); read paramGroups[i].lr.`,
      );
    }
    return this.paramGroups[0]!.lr;
  }

  /** Sets the learning rate of every group. */
  set lr(value: number) {
    const lr = checkHyper(`${this.name}.lr`, 'lr', this.spec.lr, value, true) as number;
    for (const g of this.paramGroups) g.lr = lr;
  }

  /** Clears `.grad` of every parameter. */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  /** Re-checks every group's hyperparameters (they are public and may have been edited). */
  private validate(where: string): void {
    this.paramGroups.forEach((g, gi) => {
      const at = this.paramGroups.length > 1 ? `${where} (parameter group ${gi})` : where;
      for (const key of Object.keys(this.spec) as (keyof H & string)[])
        checkHyper(at, key, this.spec[key], g[key], false);
      this.checkGroup(at, g);
    });
  }

  /** Checks across hyperparameters of one group (e.g. Nesterov needs momentum); none by default. */
  protected checkGroup(_where: string, _group: H): void {}

  /**
   * Takes one step. Uses each parameter's `.grad` (parameters whose grad is null are skipped),
   * or `grads` when given (one per entry of {@link Optimizer.params}, e.g. from the closed-form
   * backprop; null to skip).
   */
  step(grads?: readonly (Tensor | null)[]): void {
    const where = `${this.name}.step`;
    if (grads !== undefined && !Array.isArray(grads)) {
      throw new ArgumentError(
        `${where}: grads must be an array with one gradient per parameter (null to skip), or left out to use each .grad; got ${describeValue(grads)}.`,
      );
    }
    if (grads !== undefined && grads.length !== this.params.length) {
      throw new ArgumentError(
        `${where}: ${grads.length} gradients given for ${this.params.length} parameters; pass one per parameter (null to skip).`,
      );
    }
    this.validate(where);
    const chosen = this.params.map((p, i) => (grads === undefined ? p.grad : grads[i]) ?? null);
    // Every gradient is checked before any parameter or optimiser state moves, so a rejected
    // step leaves the model exactly as it was and can be retried.
    chosen.forEach((g, i) => {
      if (g === null) return;
      const p = this.params[i]!;
      if (!(g instanceof Tensor))
        throw new ArgumentError(`${where}: gradient ${i} is ${describeValue(g)}, not a Tensor (or null to skip).`);
      if (!shapesEqual(g.shape, p.shape)) {
        throw new ShapeError(
          `${where}: gradient ${i} has shape ${formatShape(g.shape)} but its parameter has shape ${formatShape(p.shape)}.`,
        );
      }
      if (g.dtype !== p.dtype) {
        throw new DTypeError(
          `${where}: gradient ${i} is ${g.dtype} but its parameter is ${p.dtype}; cast it with .to('${p.dtype}') (a step never downcasts silently).`,
        );
      }
    });
    this.stepCount++;
    noGrad(() => {
      let i = 0;
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          const g = chosen[i];
          const st = this.state[i]!;
          i++;
          if (g === null || g === undefined) continue;
          st.step++;
          p.mutate_((data) => this.update(group, st, data, g.data));
        }
      }
    });
  }

  /**
   * Updates one parameter in place given its gradient, its group's hyperparameters and its
   * state (whose `step` already counts this step, so t = 1 on the first).
   */
  protected abstract update(group: H, state: ParamState, param: FloatArray, grad: FloatArray): void;

  /**
   * Everything needed to resume: the step count, every group's hyperparameters and parameter
   * indices, and every parameter's state, as named tensors (save with `stateDictToJSON` or
   * `stateDictToSafetensors`, like module weights). Names: `stepCount`, `groups.<g>.<option>`,
   * `groups.<g>.params`, `state.<i>.step`, `state.<i>.<buffer>`.
   */
  stateDict(): StateDict {
    return optimizerStateDict(this);
  }

  /**
   * Restores {@link Optimizer.stateDict} output into an optimiser built over the same parameters
   * and groups. Validates every name, index, shape and hyperparameter before changing anything.
   */
  loadStateDict(state: StateDict | Record<string, Tensor>): void {
    loadOptimizerStateDict(this, state);
  }
}

/** The state buffer `name` of a parameter, created filled with `fill` on first use. */
export function stateBuffer(state: ParamState, name: string, size: number, fill = 0): Float64Array {
  let b = state.buffers.get(name);
  if (b === undefined) {
    b = new Float64Array(size);
    if (fill !== 0) b.fill(fill);
    state.buffers.set(name, b);
  }
  return b;
}
