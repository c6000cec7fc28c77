/**
 * Runs the benchmark suite: each workload for tapegrad and for TensorFlow.js (cpu and wasm
 * backends) in the same process, printing our figure, theirs and the ratio, then regenerates
 * BENCHMARKS.md at the repository root.
 *
 * Flags: --quick (or BENCH_QUICK=1) runs tiny sizes; --only W1,W3 restricts the workloads; both
 * write nothing unless --out <file> is given (which also overrides the path of a full run).
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { consoleLine, machineInfo, markdown } from './report.js';
import { targetMet } from './results.js';
import { NOTES, runSuite, targetsOf } from './suite.js';
import { tf, wasmFeatures } from './tfjs.js';

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const only = argValue('--only')?.split(',');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// A quick or partial run never overwrites the committed report unless asked to with --out.
const outPath = argValue('--out') ?? (quick || only !== undefined ? undefined : path.join(root, 'BENCHMARKS.md'));

const loadAtStart = os.loadavg()[0] ?? 0;
const rows = await runSuite({ quick, maxTime: 0.6, rounds: 5 }, only, (r) => console.log(consoleLine(r)));
const targets = targetsOf(rows);
const caveat = quick ? ' (quick mode: timings are meaningless)' : '';
for (const t of targets) console.log(`target ${t.description}: ${targetMet(t) ? 'met' : 'MISSED'}${caveat}`);
if (outPath !== undefined) {
  const info = machineInfo(tf.version.tfjs, await wasmFeatures(), loadAtStart);
  writeFileSync(outPath, markdown(info, rows, targets, NOTES));
  console.log(`wrote ${outPath}`);
}
