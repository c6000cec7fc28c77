/**
 * Modules as functions of their parameters, so that the functional transforms of autograd (grad,
 * vmap, jacrev, hessian) apply to them: PyTorch's `torch.func.functional_call`, and per-example
 * gradients built on it.
 * @packageDocumentation
 */
import {
  type Tensor,
  ArgumentError,
  ShapeError,
  checkOptions,
  didYouMean,
  formatShape,
  grad,
  vmap,
} from '@tapegrad/autograd';
import type { Module } from './module.js';
import { type CostLike, resolveCost } from './losses/index.js';

/** A module's parameters by their dotted names, as `stateDict()` and `namedParameters()` name them. */
export type ParameterDict = Readonly<Record<string, Tensor>>;

function owner(root: Module, path: string): [Module, string] {
  const parts = path.split('.');
  let m = root;
  for (const part of parts.slice(0, -1)) {
    const child = m.namedChildren().find(([n]) => n === part)?.[1];
    if (child === undefined) throw new ArgumentError(`functionalCall: no submodule '${part}' on the way to '${path}'.`);
    m = child;
  }
  return [m, parts[parts.length - 1]!];
}

/**
 * Runs `module.forward(...inputs)` with the parameters in `params` in place of the module's own
 * (PyTorch's `functional_call`): `params` maps dotted parameter names (`'0.weight'`, as
 * `namedParameters()` gives them) to tensors of the same shapes; names left out keep the module's
 * own parameters. The module is restored afterwards, also when forward throws.
 *
 * This is what makes a module differentiable by the functional transforms. A trap to avoid:
 * `grad((ps) => cost(net.forward(x), y))(net.parameters())` returns zeros, because the net
 * computes with its own parameters, not with the argument; write
 * `grad((ps) => cost(functionalCall(net, ps, x), y))(params)` instead.
 */
export function functionalCall(module: Module, params: ParameterDict, ...inputs: Tensor[]): Tensor {
  if (typeof params !== 'object' || params === null) {
    throw new ArgumentError(
      `functionalCall: params must be an object of tensors by parameter name, got ${String(params)}.`,
    );
  }
  const own = new Map(module.namedParameters());
  const restores: (() => void)[] = [];
  try {
    for (const [name, value] of Object.entries(params)) {
      const p = own.get(name);
      if (p === undefined) {
        const guess = didYouMean(name, [...own.keys()]);
        throw new ArgumentError(
          `functionalCall: ${module.describe()} has no parameter '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}; its parameters: ${[...own.keys()].join(', ')}.`,
        );
      }
      if (value.shape.length !== p.shape.length || value.shape.some((d, i) => d !== p.shape[i])) {
        throw new ShapeError(
          `functionalCall: '${name}' has shape ${formatShape(value.shape)}, but the module's parameter has shape ${formatShape(p.shape)}.`,
        );
      }
      const [m, key] = owner(module, name);
      restores.push(m.swapParameter(key, value));
    }
    return (module.forward as (...xs: Tensor[]) => Tensor).apply(module, inputs);
  } finally {
    for (const restore of restores.reverse()) restore();
  }
}

/** Options of {@link perSampleGradients}. */
export interface PerSampleOptions {
  /** Which parameters to differentiate (dotted names); all of them by default. */
  parameters?: readonly string[];
}

/**
 * The gradient of each example's own cost C_x with respect to every parameter, for a batch of
 * rows `x` with targets `y`: for each parameter name, a tensor of shape [N, ...parameter shape].
 * Built as `vmap(grad(C_x), {inAxes: [null, 0, 0]})` over {@link functionalCall}, so the batch runs
 * in one pass. For a sigmoid MLP these are Nielsen's single-example equations (BP1–BP4, chapter
 * 2) for each example, before mini-batch averaging.
 */
export function perSampleGradients(
  model: Module,
  cost: CostLike,
  x: Tensor,
  y: Tensor,
  options?: PerSampleOptions,
): Record<string, Tensor> {
  const { parameters } = checkOptions('perSampleGradients', options, ['parameters']);
  if (x.ndim < 1 || y.ndim < 1 || x.shape[0] !== y.shape[0]) {
    throw new ShapeError(
      `perSampleGradients: x ${formatShape(x.shape)} and y ${formatShape(y.shape)} must hold the same number of rows (one example per row).`,
    );
  }
  const perExample = resolveCost(cost, { reduction: 'sum' });
  const names = parameters ?? model.namedParameters().map(([n]) => n);
  const own = new Map(model.namedParameters());
  const params: Record<string, Tensor> = {};
  for (const n of names) {
    const p = own.get(n);
    if (p === undefined) throw new ArgumentError(`perSampleGradients: ${model.describe()} has no parameter '${n}'.`);
    params[n] = p.detach();
  }
  const costOf = (ps: Record<string, Tensor>, xi: Tensor, yi: Tensor): Tensor =>
    perExample.forward(functionalCall(model, ps, xi.reshape([1, ...xi.shape])), yi.reshape([1, ...yi.shape]));
  return vmap(grad(costOf), { inAxes: [null, 0, 0] })(params, x, y) as Record<string, Tensor>;
}
