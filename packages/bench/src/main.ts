/**
 * Runs the benchmark suite: each workload for tapegrad, TensorFlow.js (cpu and wasm backends) and
 * jax-js (wasm: jit and eager) in the same process. Progress per case goes to stderr, the
 * Markdown report to stdout, and to a file only with --write (see `bench --help`).
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchCommand, parseFlags } from './cli.js';
import { FULL_MODE, QUICK_MODE } from './harness.js';
import { targetMet } from './results.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const defaultReport = path.join(root, 'BENCHMARKS.md');
// pnpm runs the script in packages/bench; a file given to --write is relative to where the user ran it.
const cwd = process.env.INIT_CWD ?? process.cwd();
const flags = parseFlags(benchCommand(), process.argv.slice(2), defaultReport, cwd);

// Loaded after parsing, so that --help and usage errors answer without loading three libraries.
const { jaxVersion } = await import('./jaxjs.js');
const { machineInfo, markdown, progressLine } = await import('./report.js');
const { NOTES, runSuite, targetsOf } = await import('./suite.js');
const { runScaling, scalingSection } = await import('./threads-scaling.js');
const { tf, wasmFeatures } = await import('./tfjs.js');
const mode = flags.quick ? QUICK_MODE : FULL_MODE;
const log = (line: string): void => void process.stderr.write(`${line}\n`);

const loadAtStart = os.loadavg()[0] ?? 0;
const started = performance.now();
const results = await runSuite(
  mode,
  flags.only,
  (name) => (round) =>
    log(`${name}: round ${round + 1}/${mode.rounds} (${((performance.now() - started) / 1000).toFixed(0)} s)`),
  (r) => log(progressLine(r)),
);
const scaling = runScaling(mode, flags.only, (label) =>
  log(`threads: ${label} (${((performance.now() - started) / 1000).toFixed(0)} s)`),
);
for (const s of scaling) log(`threads: ${s.label}: 1 thread ÷ ${s.threads} threads ${s.ratio.toFixed(2)}×`);
const targets = targetsOf(results);
const caveat = flags.quick ? ' (quick mode: the times mean little)' : '';
for (const t of targets) log(`target ${t.description}: ${targetMet(t) ? 'met' : 'MISSED'}${caveat}`);

const info = machineInfo(tf.version.tfjs, await wasmFeatures(), jaxVersion(), loadAtStart);
const command = `npx -y pnpm@10 bench${flags.quick ? ' --quick' : ''}${flags.only ? ` --only ${flags.only.join(',')}` : ''}`;
const report = markdown(info, results, targets, NOTES, command, scalingSection(scaling));
process.stdout.write(report);
if (flags.write !== undefined) {
  writeFileSync(flags.write, report);
  log(`wrote ${flags.write}`);
}
