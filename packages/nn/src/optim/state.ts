/** Optimiser state as named tensors, in the same family as module weights (internal). */
import { Tensor, ShapeError, formatShape } from '@tapegrad/autograd';
import { StateDictError } from '../errors.js';
import type { StateDict } from '../module.js';
import { describeValue, shapesEqual } from '../util.js';
import { checkHyper, type HyperValue } from './hyper.js';
import type { Hyperparameters, Optimizer } from './optimizer.js';

/** A 0-d or 1-d float64 tensor holding `values`. */
export function scalarTensor(values: number | readonly number[]): Tensor {
  return typeof values === 'number'
    ? new Tensor(Float64Array.of(values), [])
    : new Tensor(Float64Array.from(values), [values.length]);
}

function encodeHyper(v: HyperValue): Tensor {
  if (typeof v === 'boolean') return scalarTensor(v ? 1 : 0);
  return scalarTensor(v as number | readonly number[]);
}

/** The entries of a Map or plain object of name → Tensor, or a StateDictError naming `where`. */
export function stateEntries(where: string, state: unknown): Map<string, Tensor> {
  if (!(state instanceof Map) && (typeof state !== 'object' || state === null || Array.isArray(state))) {
    throw new StateDictError(
      `${where}: expected a Map or a plain object of name → Tensor, got ${describeValue(state)}.`,
    );
  }
  const entries = state instanceof Map ? (state as Map<string, unknown>) : new Map(Object.entries(state));
  for (const [name, t] of entries) {
    if (!(t instanceof Tensor))
      throw new StateDictError(`${where}: entry '${name}' is ${describeValue(t)}, not a Tensor.`);
  }
  return entries as Map<string, Tensor>;
}

/** Takes entry `name`, checking its shape; throws a StateDictError when it is missing. */
export function takeEntry(where: string, entries: Map<string, Tensor>, name: string, shape: readonly number[]): Tensor {
  const t = entries.get(name);
  if (t === undefined)
    throw new StateDictError(
      `${where}: missing '${name}'; load a state dict saved by the same kind of object over the same parameters.`,
    );
  if (!shapesEqual(t.shape, shape)) {
    throw new ShapeError(
      `${where}: '${name}' has shape ${formatShape(t.shape)} in the state dict but needs ${formatShape(shape)}.`,
    );
  }
  entries.delete(name);
  return t;
}

/** Throws a StateDictError naming every entry left over after loading. */
export function refuseLeftovers(where: string, entries: Map<string, Tensor>): void {
  if (entries.size > 0) {
    throw new StateDictError(
      `${where}: unexpected entries ${[...entries.keys()].join(', ')}; was it saved by another kind of object, or with other parameters?`,
    );
  }
}

/** A count saved as a float64 scalar: a non-negative integer, or a StateDictError. */
export function countFrom(where: string, name: string, t: Tensor): number {
  const v = t.data[0]!;
  if (!Number.isSafeInteger(v) || v < 0)
    throw new StateDictError(`${where}: '${name}' must be a non-negative integer, got ${v}.`);
  return v;
}

/** See {@link Optimizer.stateDict}. */
export function optimizerStateDict<H extends Hyperparameters>(opt: Optimizer<H>): StateDict {
  const out: StateDict = new Map();
  out.set('stepCount', scalarTensor(opt.stepCount));
  let index = 0;
  opt.paramGroups.forEach((group, g) => {
    out.set(`groups.${g}.params`, scalarTensor(group.params.map(() => index++)));
    for (const key of Object.keys(opt.spec))
      out.set(`groups.${g}.${key}`, encodeHyper(group[key as keyof H] as HyperValue));
  });
  opt.state.forEach((st, i) => {
    out.set(`state.${i}.step`, scalarTensor(st.step));
    for (const [name, b] of st.buffers) out.set(`state.${i}.${name}`, new Tensor(b.slice(), opt.params[i]!.shape));
  });
  return out;
}

/** See {@link Optimizer.loadStateDict}. */
export function loadOptimizerStateDict<H extends Hyperparameters>(
  opt: Optimizer<H>,
  state: StateDict | Record<string, Tensor>,
): void {
  const where = `${opt.name}.loadStateDict`;
  const entries = new Map(stateEntries(where, state));
  const stepCount = countFrom(where, 'stepCount', takeEntry(where, entries, 'stepCount', []));
  // Everything is decoded and validated first; nothing is assigned until all of it passed.
  const groups: Record<string, HyperValue>[] = [];
  let index = 0;
  opt.paramGroups.forEach((group, g) => {
    const at = `${where} (parameter group ${g})`;
    const saved = entries.get(`groups.${g}.params`);
    if (saved !== undefined && (saved.ndim !== 1 || saved.size !== group.params.length)) {
      throw new StateDictError(
        `${at}: the saved group holds ${saved.size} parameters but this optimiser's holds ${group.params.length}; build the optimiser over the same parameters and groups as the saved one.`,
      );
    }
    const ids = takeEntry(where, entries, `groups.${g}.params`, [group.params.length]);
    ids.data.forEach((v, k) => {
      if (v !== index + k) {
        throw new StateDictError(
          `${at}: the saved group holds parameter ${v} where this optimiser has parameter ${index + k}; build the optimiser with the same groups as the saved one.`,
        );
      }
    });
    index += group.params.length;
    const hyper: Record<string, HyperValue> = {};
    for (const [key, rule] of Object.entries(opt.spec)) {
      const t = takeEntry(where, entries, `groups.${g}.${key}`, rule.kind === 'pair' ? [2] : []);
      const raw =
        rule.kind === 'boolean' ? t.data[0] === 1 : rule.kind === 'pair' ? [t.data[0]!, t.data[1]!] : t.data[0]!;
      if (rule.kind === 'boolean' && t.data[0] !== 0 && t.data[0] !== 1)
        throw new StateDictError(`${at}: '${key}' must be saved as 0 or 1, got ${t.data[0]}.`);
      hyper[key] = checkHyper(at, key, rule, raw, false);
    }
    groups.push(hyper);
  });
  const states = opt.params.map((p, i) => {
    const step = countFrom(where, `state.${i}.step`, takeEntry(where, entries, `state.${i}.step`, []));
    const buffers = new Map<string, Float64Array>();
    for (const name of opt.bufferNames) {
      const key = `state.${i}.${name}`;
      if (entries.has(key)) buffers.set(name, Float64Array.from(takeEntry(where, entries, key, p.shape).data));
    }
    return { step, buffers };
  });
  refuseLeftovers(where, entries);
  opt.stepCount = stepCount;
  opt.paramGroups.forEach((group, g) => Object.assign(group, groups[g]));
  states.forEach((s, i) => {
    opt.state[i]!.step = s.step;
    opt.state[i]!.buffers.clear();
    for (const [name, b] of s.buffers) opt.state[i]!.buffers.set(name, b);
  });
}
