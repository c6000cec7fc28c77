/**
 * One check for every options object in the public API, so that a misspelled key (PyTorch's
 * `keepdim`, JAX's `has_aux`) is an error with a suggestion instead of a silently ignored option.
 * @packageDocumentation
 */
import { ArgumentError } from './errors.js';

/** Spellings from PyTorch, NumPy and JAX whose camelCase names here differ by more than case. */
const ALIASES: Readonly<Record<string, string>> = {
  dim: 'axis',
  dims: 'axis',
  axes: 'axis',
  keepdim: 'keepdims',
  keepDim: 'keepdims',
  keepDims: 'keepdims',
  argnum: 'argnums',
  in_dims: 'inAxes',
  out_dims: 'outAxes',
  inDims: 'inAxes',
  outDims: 'outAxes',
  learningRate: 'lr',
  learning_rate: 'lr',
};

function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The accepted key an unknown key most likely meant, if any is close. */
export function didYouMean(key: string, accepted: readonly string[]): string | undefined {
  for (const candidate of [ALIASES[key], camelCase(key), ALIASES[camelCase(key)]]) {
    if (candidate !== undefined && accepted.includes(candidate)) return candidate;
  }
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of accepted) {
    const d = editDistance(lower, name.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return bestDistance <= (key.length <= 3 ? 1 : 2) ? best : undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the string ${JSON.stringify(value)}` : `${typeof value} ${String(value)}`;
}

/**
 * Checks an options argument of `where` (a function or constructor name, as errors should name
 * it) and returns it. `undefined` means no options. Anything that is not a plain object, and any
 * own key outside `accepted`, is an {@link ArgumentError} that names the key, lists the accepted
 * keys and suggests the likely intended one (`keepdim` → `keepdims`, `weight_decay` →
 * `weightDecay`).
 *
 * @example
 * ```ts
 * function step(options?: { lr?: number }) {
 *   const { lr = 0.1 } = checkOptions('step', options, ['lr']);
 * }
 * ```
 */
export function checkOptions<T extends object>(
  where: string,
  options: T | undefined,
  accepted: readonly (keyof T & string)[],
): Partial<T> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ArgumentError(
      `${where}: options must be an object such as {${accepted.join(', ')}} or left out, got ${describe(options)}.`,
    );
  }
  for (const key of Object.keys(options)) {
    if ((accepted as readonly string[]).includes(key)) continue;
    const guess = didYouMean(key, accepted);
    const list = accepted.length === 0 ? 'it takes no options' : `accepted: ${accepted.join(', ')}`;
    throw new ArgumentError(
      `${where}: unknown option '${key}'${guess === undefined ? '' : ` (did you mean '${guess}'?)`}; ${list}.`,
    );
  }
  return options;
}

/**
 * The axis argument of a reduction or an axis-taking op: a bare axis (`sum(x, 0)`, as NumPy,
 * PyTorch and TensorFlow.js write it), a list of axes (`sum(x, [0, 1])`), or an options object.
 */
export type AxisArg<O> = number | readonly number[] | O;

/** What every options object of an axis-taking op has. */
export interface AxisOptions {
  /** The axis or axes the op works along (negative counts from the end). */
  axis?: number | readonly number[];
}

/**
 * Resolves an {@link AxisArg}: a number or an array is the axis; anything else is an options
 * object checked by {@link checkOptions} against `accepted`.
 */
export function axisOptions<O extends AxisOptions>(
  where: string,
  arg: AxisArg<O> | undefined,
  accepted: readonly (keyof O & string)[],
): Partial<O> {
  if (typeof arg === 'number' || Array.isArray(arg)) return { axis: arg } as Partial<O>;
  return checkOptions(where, arg as O | undefined, accepted);
}
