/**
 * The bench command line: `npx -y pnpm@10 bench [--quick] [--only W1,W3] [--write [file]]`.
 * Parsing lives apart from running, and imports none of the libraries measured, so `--help`
 * answers at once and the test can check it without measuring anything.
 */
import { Command, InvalidArgumentError } from 'commander';
import path from 'node:path';
import { WORKLOAD_IDS } from './results.js';

/** What the command line asked for. */
export interface BenchFlags {
  /** Tiny sizes, one round: a smoke run whose times mean little. */
  readonly quick: boolean;
  /** The workloads to run, in suite order (all when absent). */
  readonly only?: readonly string[];
  /** Where to write the report (BENCHMARKS.md by default with a bare --write); absent: stdout only. */
  readonly write?: string;
}

/** Parses "W1,W3" into known workload ids, rejecting unknown ones with a usage error. */
export function workloadList(value: string): string[] {
  const known: readonly string[] = WORKLOAD_IDS;
  const ids = value.split(',').map((s) => s.trim().toUpperCase());
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `unknown workload '${unknown.join(',') || value}'; choose from ${known.join(', ')}.`,
    );
  }
  return known.filter((id) => ids.includes(id));
}

/** The bench command (parse it with {@link parseFlags}). */
export function benchCommand(): Command {
  return new Command()
    .name('bench')
    .description(
      'Measure tapegrad beside TensorFlow.js (cpu, wasm) and jax-js (wasm: jit and eager) in one process: ' +
        'W1 matmul, W2 MLP training, W3 tape overhead, W4 conv net training. Progress goes to stderr; the report (Markdown, with ' +
        'the ratios ours ÷ each peer) goes to stdout, and to a file only with --write. A full run takes ' +
        'about 5 minutes on 2 cores.',
    )
    .option('--quick', 'tiny sizes and one round (well under a minute); the times mean little', false)
    .option(
      '--only <workloads>',
      `comma-separated workloads to run, of ${WORKLOAD_IDS.join(', ')} (default: all)`,
      workloadList,
    )
    .option('--write [file]', 'also write the report to a file (default: BENCHMARKS.md at the repository root)')
    .showHelpAfterError();
}

/**
 * Parses `argv` (user arguments only, without node and the script). A bare --write means
 * `defaultReport`; a file given to it is relative to `cwd`. A bare --write of a quick or partial
 * run is refused: it would replace the committed full report with a smaller one.
 */
export function parseFlags(command: Command, argv: readonly string[], defaultReport: string, cwd: string): BenchFlags {
  command.parse([...argv], { from: 'user' });
  const opts = command.opts<{ quick: boolean; only?: string[]; write?: string | true }>();
  if (opts.write === true && (opts.quick || opts.only !== undefined)) {
    command.error(
      "error: a bare --write replaces the repository's BENCHMARKS.md, which records a full run; " +
        'drop --quick/--only, or give --write a file of its own.',
    );
  }
  const write =
    opts.write === true ? defaultReport : opts.write === undefined ? undefined : path.resolve(cwd, opts.write);
  return {
    quick: opts.quick,
    ...(opts.only !== undefined && { only: opts.only }),
    ...(write !== undefined && { write }),
  };
}
