/**
 * Named errors of the examples, so a caller (or a test) can tell bad data from a bad flag
 * without matching on message text.
 */

/** Base class of every error thrown by `@tapegrad/examples`. */
export class ExampleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The MNIST digit files are missing or do not hold what we expect. */
export class MnistDataError extends ExampleError {}

/** A command-line flag or a `run()` option is out of range or malformed. */
export class OptionError extends ExampleError {}

/** A plot could not be rendered or written. */
export class PlotError extends ExampleError {}
