/**
 * Flag parsers shared by the examples' command lines. Each one rejects bad input with
 * commander's InvalidArgumentError, so `--epochs abc` prints a one-line usage error instead of
 * training on NaN.
 */
import { InvalidArgumentError } from 'commander';
import { OptionError } from '../errors.js';

/** Parses a whole number ≥ 1. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got '${value}'.`);
  return n;
}

/** Parses a finite number > 0. */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a number > 0, got '${value}'.`);
  return n;
}

/** Parses a finite number ≥ 0. */
export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError(`expected a number ≥ 0, got '${value}'.`);
  }
  return n;
}

/** Parses any finite integer (seeds may be zero or negative). */
export function integer(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n))
    throw new InvalidArgumentError(`expected an integer, got '${value}'.`);
  return n;
}

/** Parses a comma-separated list of layer widths such as "30" or "100,30". */
export function widthList(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) {
    throw new InvalidArgumentError(`expected comma-separated layer widths such as '30' or '100,30', got '${value}'.`);
  }
  return parts.map(positiveInt);
}

/** Returns a parser accepting exactly one of `choices`. */
export function oneOf<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(' | ')}, got '${value}'.`);
    }
    return value as T;
  };
}

/** Throws {@link OptionError} unless `n` is a whole number ≥ `min`; used by the run() functions. */
export function requireInt(name: string, n: number, min = 1): number {
  if (!Number.isInteger(n) || n < min) throw new OptionError(`${name} must be a whole number ≥ ${min}, got ${n}.`);
  return n;
}

/** Throws {@link OptionError} unless `n` is finite and > 0 (or ≥ 0 with `allowZero`). */
export function requirePositive(name: string, n: number, allowZero = false): number {
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    throw new OptionError(`${name} must be a finite number ${allowZero ? '≥' : '>'} 0, got ${n}.`);
  }
  return n;
}

/** Formats a duration in milliseconds as "1.23 s" or "2 min 05 s". */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const min = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${min} min ${String(s).padStart(2, '0')} s`;
}
