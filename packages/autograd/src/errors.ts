/**
 * Named error classes. Every error the library throws on bad input is one of these,
 * with a message that names the op, the shapes involved and the fix.
 * @packageDocumentation
 */
import { brandClass } from './process.js';

/** Base class of every error tapegrad throws on purpose. Catch this to catch them all. */
export class TapegradError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit the op: broadcasting, matmul inner dims, reshape sizes, axes. */
export class ShapeError extends TapegradError {}

/** A dtype the op cannot take, or a mix that would need a downcast. */
export class DTypeError extends TapegradError {}

/** Misuse of the tape: released graphs, non-scalar backward, stale saved tensors, wrong vjp results. */
export class GradError extends TapegradError {}

/** An argument of the right type but a wrong value: NaN sizes, fractional indices, unknown options. */
export class ArgumentError extends TapegradError {}

/** Thrown in anomaly mode at the first op that produced NaN or Infinity. */
export class AnomalyError extends TapegradError {}

/** A kernel worker thread failed during an op; the pool is rebuilt at the next multi-threaded call. */
export class WorkerError extends TapegradError {}

// One identity per process for each class, whichever build (ESM or CJS) threw the error.
brandClass(TapegradError, 'TapegradError');
brandClass(ShapeError, 'ShapeError');
brandClass(DTypeError, 'DTypeError');
brandClass(GradError, 'GradError');
brandClass(ArgumentError, 'ArgumentError');
brandClass(AnomalyError, 'AnomalyError');
brandClass(WorkerError, 'WorkerError');
