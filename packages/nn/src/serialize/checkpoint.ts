import { ArgumentError, type Tensor } from '@tapegrad/autograd';
import { StateDictError } from '../errors.js';
import type { StateDict } from '../module.js';
import { describeValue } from '../util.js';

/**
 * One state dict from several, each name prefixed with its part's key and a dot: a checkpoint of
 * `{model: net.stateDict(), optimizer: opt.stateDict(), scheduler: sched.stateDict()}` that
 * `stateDictToJSON` or `stateDictToSafetensors` writes as one file. {@link splitStateDict} undoes it.
 */
export function mergeStateDicts(parts: Record<string, StateDict>): StateDict {
  if (parts === null || typeof parts !== 'object' || Array.isArray(parts))
    throw new ArgumentError(`mergeStateDicts: expected {name: stateDict, ...}, got ${describeValue(parts)}.`);
  const out: StateDict = new Map();
  for (const [key, state] of Object.entries(parts)) {
    if (key === '' || key.includes('.'))
      throw new ArgumentError(
        `mergeStateDicts: part name ${JSON.stringify(key)} must be non-empty and contain no '.'.`,
      );
    if (!(state instanceof Map))
      throw new ArgumentError(`mergeStateDicts: part '${key}' is ${describeValue(state)}, not a state dict (a Map).`);
    for (const [name, t] of state as Map<string, Tensor>) out.set(`${key}.${name}`, t);
  }
  return out;
}

/** Splits a {@link mergeStateDicts} result back into its parts, by the text before each name's first dot. */
export function splitStateDict(state: StateDict): Record<string, StateDict> {
  if (!(state instanceof Map))
    throw new StateDictError(`splitStateDict: expected a state dict (a Map), got ${describeValue(state)}.`);
  // A Map, then fromEntries, so that a part named '__proto__' is an ordinary key.
  const parts = new Map<string, StateDict>();
  for (const [name, t] of state) {
    const dot = name.indexOf('.');
    if (dot <= 0)
      throw new StateDictError(`splitStateDict: '${name}' has no 'part.' prefix; was it written by mergeStateDicts?`);
    const key = name.slice(0, dot);
    if (!parts.has(key)) parts.set(key, new Map());
    parts.get(key)!.set(name.slice(dot + 1), t);
  }
  return Object.fromEntries(parts);
}
