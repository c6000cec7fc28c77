/** How optimisers default and validate their hyperparameters (internal). */
import { ArgumentError } from '@tapegrad/autograd';
import { describeValue } from '../util.js';

/** A hyperparameter's value: a number, a flag, or a pair such as Adam's betas. */
export type HyperValue = number | boolean | readonly [number, number];

/** The allowed values of a numeric hyperparameter (for a pair, of each element). */
export type HyperRange =
  /** > 0 when given, ≥ 0 afterwards, so a schedule may anneal it to exactly 0. */
  | 'lr'
  | 'positive'
  | 'nonNegative'
  /** [0, 1) */
  | 'unit'
  /** [0, 1] */
  | 'closedUnit';

/** One hyperparameter: its kind, range and default (none = required). */
export interface HyperRule {
  /** A number, a true/false flag, or a pair of numbers. */
  readonly kind: 'number' | 'boolean' | 'pair';
  /** The allowed values of a number (of each element of a pair; default 'nonNegative'). */
  readonly range?: HyperRange;
  /** The value when neither the options nor the group give one; none means required. */
  readonly default?: HyperValue;
  /** How to write it in an example, for the "required" message. */
  readonly example?: string;
}

/** The rules of every hyperparameter of an optimiser. */
export type HyperSpec<H> = { readonly [K in keyof H]-?: HyperRule };

const RANGES: Record<
  HyperRange,
  { ok: (v: number, creating: boolean) => boolean; text: (creating: boolean) => string }
> = {
  lr: {
    ok: (v, creating) => Number.isFinite(v) && (creating ? v > 0 : v >= 0),
    text: (creating) => (creating ? 'a finite number > 0' : 'a finite number ≥ 0'),
  },
  positive: { ok: (v) => Number.isFinite(v) && v > 0, text: () => 'a finite number > 0' },
  nonNegative: { ok: (v) => Number.isFinite(v) && v >= 0, text: () => 'a finite number ≥ 0' },
  unit: { ok: (v) => v >= 0 && v < 1, text: () => 'a number in [0, 1)' },
  closedUnit: { ok: (v) => v >= 0 && v <= 1, text: () => 'a number in [0, 1]' },
};

/**
 * Validates one hyperparameter of `where` and returns it (its default when `value` is undefined
 * and `creating`). `creating` is true for constructor options, false for the re-check of a step.
 */
export function checkHyper(where: string, key: string, rule: HyperRule, value: unknown, creating: boolean): HyperValue {
  if (value === undefined && creating) {
    if (rule.default === undefined)
      throw new ArgumentError(`${where}: ${key} is required, e.g. {${key}: ${rule.example ?? '…'}}.`);
    value = rule.default;
  }
  const range = RANGES[rule.range ?? 'nonNegative'];
  if (rule.kind === 'boolean') {
    if (typeof value !== 'boolean')
      throw new ArgumentError(`${where}: ${key} must be true or false, got ${describeValue(value)}.`);
    return value;
  }
  if (rule.kind === 'pair') {
    const ok =
      Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && range.ok(v, creating));
    if (!ok) {
      throw new ArgumentError(
        `${where}: ${key} must be a pair [a, b] of numbers, each ${range.text(creating)}, got ${describeValue(value)}; e.g. {${key}: ${rule.example ?? '[0.9, 0.999]'}}.`,
      );
    }
    // A copy, so a caller's array edited later cannot change the optimiser behind its checks.
    const [a, b] = value as [number, number];
    return [a, b] as const;
  }
  if (typeof value !== 'number' || !range.ok(value, creating))
    throw new ArgumentError(`${where}: ${key} must be ${range.text(creating)}, got ${describeValue(value)}.`);
  return value;
}
