/**
 * Global switches of the engine: grad mode (is anything recorded?) and anomaly mode.
 * Plain module state, saved and restored around a callback, so nesting composes.
 */

let gradEnabled = true;
let anomalyEnabled = false;

/** True while ops are recorded on the tape (the default). */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` with grad mode set to `enabled`, restoring the previous mode afterwards. */
export function setGradEnabled<T>(enabled: boolean, fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/**
 * Sets grad mode and returns the previous mode, for the engine's hot path: applyOp switches
 * recording off around every forward, and a closure plus setGradEnabled per op was measurable
 * on chains of tiny ops. Callers must restore the returned mode in a `finally`.
 * @internal
 */
export function swapGradEnabled(enabled: boolean): boolean {
  const previous = gradEnabled;
  gradEnabled = enabled;
  return previous;
}

/**
 * Runs `fn` without recording anything on the tape, like `torch.no_grad()`:
 * use it for evaluation and optimizer steps.
 */
export function noGrad<T>(fn: () => T): T {
  return setGradEnabled(false, fn);
}

/** Runs `fn` with recording switched back on, inside a `noGrad` block. */
export function enableGrad<T>(fn: () => T): T {
  return setGradEnabled(true, fn);
}

/** True while anomaly detection checks every op for NaN and Infinity. */
export function isAnomalyEnabled(): boolean {
  return anomalyEnabled;
}

/** Switches anomaly detection on or off globally (see {@link detectAnomaly} for a scoped form). */
export function setAnomalyEnabled(enabled: boolean): void {
  anomalyEnabled = enabled;
}

/**
 * Runs `fn` with anomaly detection on: every forward output and every backward gradient is
 * checked for NaN and Infinity, and the first op that produced one throws an AnomalyError that
 * names the op, its input shapes and ranges, and where it was called.
 */
export function detectAnomaly<T>(fn: () => T): T {
  const previous = anomalyEnabled;
  anomalyEnabled = true;
  try {
    return fn();
  } finally {
    anomalyEnabled = previous;
  }
}
