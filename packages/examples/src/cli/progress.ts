/**
 * A progress bar for long loops (epochs over mini-batches) that draws only when a person is
 * watching: on an interactive terminal, outside the test runner, and unless asked to be quiet.
 * Redirected output and CI logs would otherwise fill with carriage-return redraws.
 */
import { SingleBar, Presets } from 'cli-progress';

/** The part of a bar the examples use. */
export interface Progress {
  /**
   * Starts a bar for `total` steps with a label such as "epoch 3/30"; `samplesPerStep` (the
   * batch size, default 1) turns the step rate into samples/s.
   */
  start(total: number, label: string, samplesPerStep?: number): void;
  /** Moves the bar to `value` (steps done). */
  update(value: number): void;
  /** Removes or finishes the bar so the next line of output starts clean. */
  stop(): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Force the bar off (true) or on (false); default: on only for an interactive, non-test run. */
  quiet?: boolean;
  /** Where to draw (default process.stderr, so stdout stays clean for piping results). */
  stream?: NodeJS.WriteStream;
}

/** True when a bar would be useful: a TTY that is not a test runner or CI. */
export function shouldShowProgress(stream: NodeJS.WriteStream = process.stderr): boolean {
  const env = process.env;
  if (env['VITEST'] !== undefined || env['CI'] !== undefined || env['NODE_ENV'] === 'test') return false;
  return stream.isTTY === true;
}

const silent: Progress = { start() {}, update() {}, stop() {} };

/** A progress bar, or a do-nothing stand-in when it should stay quiet. */
export function createProgress(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const quiet = options.quiet ?? !shouldShowProgress(stream);
  if (quiet) return silent;
  const bar = new SingleBar(
    {
      format: '{label} [{bar}] {percentage}% | {value}/{total} batches | {rate} samples/s | eta {eta_formatted}',
      stream,
      hideCursor: true,
      clearOnComplete: true,
      // Redrawing on every mini-batch (800 per epoch) would cost more than the maths.
      fps: 10,
    },
    Presets.shades_classic,
  );
  let started = 0;
  let samplesPerStep = 1;
  return {
    start(total, label, perStep = 1) {
      started = performance.now();
      samplesPerStep = perStep;
      bar.start(total, 0, { label, rate: '-' });
    },
    update(value) {
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? Math.round((value * samplesPerStep) / seconds) : 0;
      bar.update(value, { rate: String(rate) });
    },
    stop() {
      bar.stop();
    },
  };
}
