/**
 * Shared machinery of the fuzz suites (test/fuzz-*.test.ts): a property runner that counts the
 * cases it executes against a declared budget, checks that a call ends in one of our named
 * errors (never a raw TypeError/RangeError), and generators of junk arguments.
 */
import fc from 'fast-check';
import { TapegradError } from '@tapegrad/autograd';

/** A named error class of the library (TapegradError or a subclass). */
export type NamedError = abstract new (...args: never[]) => TapegradError;

/** Cases per property and seed; fixed seeds keep every run identical and failures replayable. */
export interface FuzzPlan {
  readonly runs: number;
  readonly seed: number;
}

/**
 * Runs `predicate` on `runs` generated cases and returns how many actually ran. A predicate
 * fails by throwing; fast-check then shrinks to a minimal case and reports it with the seed.
 */
export function fuzz<T>(plan: FuzzPlan, arb: fc.Arbitrary<T>, predicate: (value: T) => void): number {
  let executed = 0;
  fc.assert(
    fc.property(arb, (v) => {
      executed++;
      predicate(v);
    }),
    { numRuns: plan.runs, seed: plan.seed, endOnFailure: false },
  );
  if (executed < plan.runs) throw new Error(`fuzz: only ${executed} of ${plan.runs} cases ran.`);
  return plan.runs;
}

function describeThrown(e: unknown): string {
  if (e instanceof Error) return `${e.constructor.name}: ${e.message}`;
  try {
    return `a non-Error value ${String(e)}`;
  } catch {
    return 'a non-Error value';
  }
}

/**
 * Asserts that `f` throws an instance of `cls` (a named library error) whose message contains
 * every string in `mentions` (the op name, the shapes); returns the error for further checks.
 */
export function expectNamedError(f: () => unknown, cls: NamedError, mentions: readonly string[] = []): TapegradError {
  let thrown: unknown;
  let threw = false;
  try {
    f();
  } catch (e) {
    thrown = e;
    threw = true;
  }
  if (!threw) throw new Error(`expected ${cls.name} (mentioning ${JSON.stringify(mentions)}), but nothing was thrown`);
  if (!(thrown instanceof cls)) throw new Error(`expected ${cls.name}, got ${describeThrown(thrown)}`);
  for (const m of mentions) {
    if (!thrown.message.includes(m))
      throw new Error(`${cls.name} message does not mention ${JSON.stringify(m)}: ${thrown.message}`);
  }
  return thrown;
}

/**
 * Runs `f`, which may legitimately succeed or fail: success returns the value, failure must be
 * a named library error whose message mentions `mentions`.
 */
export function okOrNamed<T>(
  f: () => T,
  mentions: readonly string[] = [],
): { ok: true; value: T } | { ok: false; error: TapegradError } {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (!(e instanceof TapegradError)) throw new Error(`expected success or a TapegradError, got ${describeThrown(e)}`);
    for (const m of mentions) {
      if (!e.message.includes(m))
        throw new Error(`${e.constructor.name} message does not mention ${JSON.stringify(m)}: ${e.message}`);
    }
    return { ok: false, error: e };
  }
}

/** Values of the wrong type for any numeric or tensor argument, as JS callers can pass them. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.string({ maxLength: 4 }),
  fc.boolean(),
  fc.bigInt({ min: -5n, max: 5n }),
  fc.constant(Symbol('junk')),
  fc.dictionary(fc.string({ maxLength: 2 }), fc.integer(), { maxKeys: 2 }),
  fc.constant(() => 1),
  fc.constant(new Int32Array(2)),
);

/** Numbers that are not valid sizes, axes or indices: negative, fractional, non-finite, huge. */
export const badNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -5, max: -2 }),
  fc.double({ min: 0.01, max: 5, noInteger: true, noNaN: true }),
  fc.constantFrom(NaN, Infinity, -Infinity, 2 ** 53, 1e300),
);

/** The product of a shape (1 for a scalar). */
export function count(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** `[2, 3]`, as the library formats shapes in messages. */
export function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** A shape of rank in [minRank, maxRank] with sizes in [minSize, maxSize] (small: cases stay cheap). */
export function smallShape(minRank = 0, maxRank = 3, minSize = 0, maxSize = 3): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: minSize, max: maxSize }), { minLength: minRank, maxLength: maxRank });
}

/** NumPy broadcasting of two shapes, or null when they do not broadcast (the oracle). */
export function broadcastOracle(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Whether two shapes are identical. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Throws unless `cond`, with `msg` (cheaper than expect() inside a hot property). */
export function check(cond: boolean, msg: () => string): void {
  if (!cond) throw new Error(msg());
}
