/**
 * Global switches of the engine: grad mode (is anything recorded?) and anomaly mode.
 * Process-wide state (see process.ts), saved and restored around a callback, so nesting composes.
 */
import { ArgumentError } from '../errors.js';
import { describeValue } from '../shape.js';
import { engine } from '../process.js';

/** True while ops are recorded on the tape (the default). */
export function isGradEnabled(): boolean {
  return engine.gradEnabled;
}

function isThenable(value: unknown): boolean {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Runs a synchronous callback for a scoped mode. A mode is process-wide and restored when `fn`
 * returns, so an async function would run its first part in the mode and the rest (after its
 * first `await`) outside it, interleaved with whatever else runs meanwhile. Such callbacks are
 * refused: an async function up front, any other callback that returns a promise afterwards.
 */
export function checkScopedCallback(where: string, fn: unknown): void {
  if (typeof fn !== 'function') {
    throw new ArgumentError(`${where}: pass a function to run, got ${describeValue(fn)}.`);
  }
  if (fn.constructor?.name === 'AsyncFunction' || fn.constructor?.name === 'AsyncGeneratorFunction') {
    throw new ArgumentError(asyncMessage(where));
  }
}

function asyncMessage(where: string): string {
  return (
    `${where}: the callback is asynchronous, but the mode is process-wide and would switch back at its first await ` +
    `while the function goes on. Pass a synchronous function, e.g. await work; ${where}(() => step()), ` +
    `and wrap each synchronous part separately.`
  );
}

/** Throws when a scoped callback returned a promise (see {@link checkScopedCallback}). */
function checkResult(where: string, result: unknown): void {
  if (!isThenable(result)) return;
  // The caller never sees this promise; keep its rejection from surfacing as unhandled.
  Promise.resolve(result as PromiseLike<unknown>).then(undefined, () => undefined);
  throw new ArgumentError(asyncMessage(where));
}

/** Runs `fn` with grad mode set to `enabled`, restoring the previous mode afterwards. */
export function setGradEnabled<T>(enabled: boolean, fn: () => T, where = 'setGradEnabled'): T {
  checkScopedCallback(where, fn);
  const previous = engine.gradEnabled;
  engine.gradEnabled = enabled;
  let result: T;
  try {
    result = fn();
  } finally {
    engine.gradEnabled = previous;
  }
  checkResult(where, result);
  return result;
}

/**
 * Sets grad mode and returns the previous mode, for the engine's hot path: applyOp switches
 * recording off around every forward, and a closure plus setGradEnabled per op was measurable
 * on chains of tiny ops. Callers must restore the returned mode in a `finally`.
 * @internal
 */
export function swapGradEnabled(enabled: boolean): boolean {
  const previous = engine.gradEnabled;
  engine.gradEnabled = enabled;
  return previous;
}

/**
 * Runs `fn` without recording anything on the tape, like `torch.no_grad()`:
 * use it for evaluation and optimizer steps. `fn` must be synchronous: an async function (or a
 * callback returning a promise) is an ArgumentError, because the mode would switch back at its
 * first `await` while the function goes on.
 */
export function noGrad<T>(fn: () => T): T {
  return setGradEnabled(false, fn, 'noGrad');
}

/** Runs `fn` with recording switched back on, inside a `noGrad` block; `fn` must be synchronous. */
export function enableGrad<T>(fn: () => T): T {
  return setGradEnabled(true, fn, 'enableGrad');
}

/** True while anomaly detection checks every op for NaN and Infinity. */
export function isAnomalyEnabled(): boolean {
  return engine.anomalyEnabled;
}

/** Switches anomaly detection on or off globally (see {@link detectAnomaly} for a scoped form). */
export function setAnomalyEnabled(enabled: boolean): void {
  if (typeof enabled !== 'boolean') {
    throw new ArgumentError(`setAnomalyEnabled: pass true or false, got ${describeValue(enabled)}.`);
  }
  engine.anomalyEnabled = enabled;
}

/**
 * Runs `fn` with anomaly detection on: every forward output and every backward gradient is
 * checked for NaN and Infinity, and the first op that produced one throws an AnomalyError that
 * names the op, its input shapes and ranges, and where it was called. `fn` must be synchronous.
 */
export function detectAnomaly<T>(fn: () => T): T {
  checkScopedCallback('detectAnomaly', fn);
  const previous = engine.anomalyEnabled;
  engine.anomalyEnabled = true;
  let result: T;
  try {
    result = fn();
  } finally {
    engine.anomalyEnabled = previous;
  }
  checkResult('detectAnomaly', result);
  return result;
}
