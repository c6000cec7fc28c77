import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { benchCommand, parseFlags } from '../src/cli.js';
import { QUICK_MODE, pairedBlocks, quantile } from '../src/harness.js';
import { jaxArray, np, useJaxWasm } from '../src/jaxjs.js';
import { type MachineInfo, markdown } from '../src/report.js';
import { type CaseResult, PEERS, WORKLOAD_IDS } from '../src/results.js';
import { OUR_SETUPS, variantName } from '../src/ours.js';
import { runSuite, targetsOf } from '../src/suite.js';
import { runScaling, scalingSection } from '../src/threads-scaling.js';
import { getNumThreads, setNumThreads } from '@tapegrad/autograd';
import { useBackend } from '../src/tfjs.js';
import { jaxMatmulDiscrepancy, matmulDiscrepancy } from '../src/workloads/matmul.js';
import { MLP_CASES, initParams } from '../src/workloads/mlp-setup.js';
import { jaxAfterOneStep, oursAfterOneStep, tfjsAfterOneStep } from '../src/workloads/mlp.js';
import { jaxChainGradient, oursChainGradient, tfjsChainGradient } from '../src/workloads/tape.js';

// Timings are never asserted: the machine is shared. These tests check the command line, the
// report, that the workloads run in quick mode, and that every library computes the same numbers.

/** Largest |a − b| / (1 + |b|) over paired arrays. */
function worstRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  return worst;
}

describe('bench command line', () => {
  const parse = (...argv: string[]) => {
    const command = benchCommand()
      .exitOverride()
      .configureOutput({ writeOut: () => {}, writeErr: () => {} });
    return parseFlags(command, argv, '/repo/BENCHMARKS.md', '/home/me');
  };

  it('runs everything, writing nothing, by default', () => {
    expect(parse()).toEqual({ quick: false });
  });

  it('--help lists every option and exits without running', () => {
    let help = '';
    const command = benchCommand()
      .exitOverride()
      .configureOutput({ writeOut: (s) => void (help += s) });
    expect(() => parseFlags(command, ['--help'], '/repo/BENCHMARKS.md', '/home/me')).toThrow(CommanderError);
    for (const flag of ['--quick', '--only <workloads>', '--write [file]']) expect(help).toContain(flag);
  });

  it('--only picks known workloads in suite order and rejects unknown ones', () => {
    expect(parse('--only', 'w3,W1').only).toEqual(['W1', 'W3']);
    expect(() => parse('--only', 'W1,W9')).toThrow(/unknown workload 'W9'; choose from W1, W2, W3/);
  });

  it('--write writes the committed report only for a full run, or a named file', () => {
    expect(parse('--write').write).toBe('/repo/BENCHMARKS.md');
    expect(parse('--quick', '--write', 'out/q.md')).toEqual({ quick: true, write: '/home/me/out/q.md' });
    expect(() => parse('--quick', '--write')).toThrow(/bare --write replaces/);
    expect(() => parse('--only', 'W2', '--write')).toThrow(/bare --write replaces/);
  });
});

describe('report', () => {
  const info: MachineInfo = {
    cpu: 'test CPU',
    cores: 2,
    node: 'v20',
    date: 'today',
    tfjs: '4',
    wasm: 'SIMD on',
    jaxjs: '0.1',
    load: [1, 1],
  };
  const result: CaseResult = {
    workload: 'W2',
    label: '[2, 2, 1] batch 4, float64',
    unit: 'samples/s',
    higherIsBetter: true,
    ours: [
      { variant: 'tape', value: 300 },
      { variant: 'closed-form', value: 600 },
    ],
    peers: {
      'tfjs-cpu': { value: 100 },
      'tfjs-wasm': { value: 200 },
      'jax-js jit': { value: 1200 },
      'jax-js eager': { missing: 'RangeError: Maximum call stack size exceeded' },
    },
    jitFirstCallSeconds: 2.5,
  };

  it('shows ours ÷ each peer per variant, the peers’ figures, and why a figure is missing', () => {
    const md = markdown(info, [result], targetsOf([result]), ['a note'], 'bench');
    expect(md).toContain('| [2, 2, 1] batch 4, float64 | tape | 300 | 3.00× | 1.50× | 0.25× | n/a |');
    expect(md).toContain('| [2, 2, 1] batch 4, float64 | closed-form | 600 | 6.00× | 3.00× | 0.50× | n/a |');
    expect(md).toContain('| [2, 2, 1] batch 4, float64 | 100 | 200 | 1200 | n/a | 2.50 s |');
    expect(md).toContain('- jax-js eager, [2, 2, 1] batch 4, float64: RangeError: Maximum call stack size exceeded');
    expect(md).toContain('| W2 (tape) ≥ 3× tfjs-cpu, both dtypes, both networks | 3.00× | yes |');
    expect(md).toContain('- a note');
  });

  it('places sections of their own after the workloads and before the targets', () => {
    const md = markdown(info, [result], targetsOf([result]), [], 'bench', ['## Threads here', '']);
    expect(md.indexOf('## Threads here')).toBeGreaterThan(md.indexOf('## W2'));
    expect(md.indexOf('## Threads here')).toBeLessThan(md.indexOf('## Targets'));
  });
});

describe('paired blocks', () => {
  it('alternates the two sides, one untimed block each first, and divides first by second per pair', () => {
    const order: string[] = [];
    const side = (name: string) => ({ enter: () => order.push(`enter ${name}`), run: () => order.push(name) });
    const timed = pairedBlocks(side('a'), side('b'), 2, 0);
    // blockMs 0: one call per block.
    expect(order).toEqual([
      'enter a',
      'a',
      'enter b',
      'b',
      'enter a',
      'a',
      'enter b',
      'b',
      'enter a',
      'a',
      'enter b',
      'b',
    ]);
    expect(timed.ratios).toHaveLength(2);
    timed.ratios.forEach((r, i) => expect(r).toBe(timed.first[i]! / timed.second[i]!));
  });

  it('quantile picks from the sorted values', () => {
    expect(quantile([5, 1, 4, 2, 3], 0)).toBe(1);
    expect(quantile([5, 1, 4, 2, 3], 0.5)).toBe(3);
    expect(quantile([5, 1, 4, 2, 3], 1)).toBe(5);
  });
});

describe('thread scaling (quick mode)', () => {
  it('runs W1 and W2 on 1 and N threads, leaves the thread count as it found it, and reports each case', () => {
    const before = getNumThreads();
    setNumThreads(2);
    try {
      const results = runScaling(QUICK_MODE);
      expect(results.map((r) => r.label)).toEqual([
        'W1 n=33, float32',
        'W1 n=33, float64',
        'W2 [16, 8, 4] batch 5, float32, tape',
        'W2 [16, 8, 4] batch 5, float64, tape',
      ]);
      expect(getNumThreads()).toBe(2);
      for (const r of results) expect(r.ratio > 0 && Number.isFinite(r.ratio), r.label).toBe(true);
      const md = scalingSection(results).join('\n');
      expect(md).toContain('## Threads: 2 threads against 1');
      expect(md).toMatch(
        /\| W1 n=33, float32 \| [\d.]+ \| [\d.]+ \| [\d.]+× \| [\d.]+–[\d.]+× \| ≥ 1.7× \| (yes|no) \|/,
      );
      expect(md).toMatch(/\| W2 \[16, 8, 4\] batch 5, float64, tape \|.*\| no slower \| (yes|no) \|/);
      expect(runScaling(QUICK_MODE, ['W2']).map((r) => r.label)).toHaveLength(2);
      setNumThreads(1);
      expect(runScaling(QUICK_MODE)).toEqual([]);
    } finally {
      setNumThreads(before);
    }
  });
});

describe('benchmark suite (quick mode)', () => {
  it('runs every workload with every peer and produces finite, positive figures', async () => {
    // One call per contender: the test checks that every case runs and is assembled, not its speed.
    const results = await runSuite({ ...QUICK_MODE, budget: { seconds: 0, minCalls: 1, warmupCalls: 0 } });
    expect(new Set(results.map((r) => r.workload))).toEqual(new Set(WORKLOAD_IDS));
    for (const r of results) {
      for (const o of r.ours) expect(o.value > 0 && Number.isFinite(o.value), `${r.label} ${o.variant}`).toBe(true);
      // W4 trains a conv net: tfjs-wasm 4.22 has no Conv2DBackpropFilter kernel, and jax-js is not measured.
      const absent: readonly string[] = r.workload === 'W4' ? ['tfjs-wasm', 'jax-js jit', 'jax-js eager'] : [];
      for (const p of PEERS)
        expect(r.peers[p], `${r.label}: ${p}`).toHaveProperty(absent.includes(p) ? 'missing' : 'value');
      if (r.workload === 'W4')
        expect(r.peers['tfjs-wasm']).toEqual({ missing: expect.stringContaining('Conv2DBackpropFilter') });
      else expect(r.jitFirstCallSeconds).toBeGreaterThan(0);
    }
    const w2 = results.filter((r) => r.workload === 'W2').map((r) => `${r.label}: ${r.ours.map((o) => o.variant)}`);
    // Every path on every setup: the default, '1 thread' where there are more cores, 'js kernels'.
    expect(OUR_SETUPS.map((s) => s.name)).toEqual(['', ...(OUR_SETUPS.length === 3 ? ['1 thread'] : []), 'js kernels']);
    const rows = ['tape', 'closed-form'].flatMap((path) => OUR_SETUPS.map((s) => variantName(path, s))).join(',');
    expect(w2).toEqual([
      `[16, 8, 4] batch 5, float32: ${rows}`,
      `[16, 8, 4] batch 5, float64 (tfjs: float32): ${rows}`,
    ]);
    const w4 = results.filter((r) => r.workload === 'W4').map((r) => `${r.label}: ${r.ours.map((o) => o.variant)}`);
    expect(w4).toEqual([
      `chapter-6 conv net, batch 10, float32: ${rows}`,
      `chapter-6 conv net, batch 10, float64 (tfjs: float32): ${rows}`,
    ]);
  });

  it("a full run's W2 trains the issues' two networks (each in both dtypes)", () => {
    expect(MLP_CASES).toEqual([
      { sizes: [784, 128, 10], batch: 64 },
      { sizes: [784, 30, 10], batch: 10 },
    ]);
  });
});

describe('every library computes the same numbers', () => {
  it('jax-js float64 arrays built from float32 parts hold our values exactly', async () => {
    expect(await useJaxWasm()).toBeNull();
    const values = Float64Array.from([Math.PI, -1 / 3, 1e-30, 2 ** 60 + 2 ** 8, 0.1, 0, 123456.789e-7, 1 - 2 ** -53]);
    expect(Array.from(jaxArray(values, [values.length], 'float64').dataSync())).toEqual(Array.from(values));
    for (const v of [1e-300, 1e300, -0]) expect(() => jaxArray(Float64Array.of(v), [1], 'float64')).toThrow(RangeError);
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`matmul agrees with tfjs-${backend} in float32`, async () => {
      // The wasm backend ships in the registry package and runs under Node: failing to load it is a failure.
      if (backend === 'wasm') expect(await useBackend('wasm'), 'the tfjs wasm backend loads').toBeNull();
      for (const n of [1, 7, 64, 130]) expect(await matmulDiscrepancy(n, backend)).toBeLessThan(1e-4);
    });
  }

  it('matmul agrees with jax-js in float32 and float64', async () => {
    for (const n of [1, 7, 64, 130]) {
      expect(await jaxMatmulDiscrepancy(n, 'float32')).toBeLessThan(1e-4);
      expect(await jaxMatmulDiscrepancy(n, 'float64')).toBeLessThan(1e-12);
    }
  });

  for (const c of MLP_CASES) {
    it(`one SGD step of [${c.sizes.join(', ')}] batch ${c.batch} updates weights as tfjs and jax-js do`, async () => {
      const tfjs = await tfjsAfterOneStep(c, 'cpu');
      for (const path of ['tape', 'closed-form'] as const) {
        for (const dtype of ['float32', 'float64'] as const) {
          const ours = oursAfterOneStep(c, dtype, path);
          expect(ours.length).toBe(tfjs.length);
          for (let i = 0; i < tfjs.length; i++) expect(worstRelative(ours[i]!, tfjs[i]!)).toBeLessThan(1e-5);
        }
      }
      // jax-js's float64 exp on its wasm device is accurate to about 1e-6 relative (see the next
      // test), so its float64 step agrees with ours to about 1e-9: far closer than float32, but not
      // to float64 rounding.
      for (const how of ['jit', 'eager'] as const) {
        for (const [dtype, tolerance] of [
          ['float32', 1e-5],
          ['float64', 1e-8],
        ] as const) {
          const jax = await jaxAfterOneStep(c, dtype, how);
          const ours = oursAfterOneStep(c, dtype);
          for (let i = 0; i < jax.length; i++) {
            expect(worstRelative(ours[i]!, jax[i]!), `${how} ${dtype} parameter ${i}`).toBeLessThan(tolerance);
          }
        }
      }
      // The step must actually move the weights, or the comparisons above prove nothing.
      const ours64 = oursAfterOneStep(c, 'float64');
      const init = initParams(c.sizes);
      const last = init.weights.length - 1;
      expect(worstRelative(ours64[last]!, init.weights[last]!)).toBeGreaterThan(1e-4);
    });
  }

  it('jax-js float64 exp (wasm) is accurate to about 1e-6 relative, the bound the W2 comparison allows for', async () => {
    expect(await useJaxWasm()).toBeNull();
    const xs = Float64Array.from({ length: 2001 }, (_, i) => -10 + i * 0.01 + 1e-7);
    const exps = np.exp(jaxArray(xs, [xs.length], 'float64')).dataSync();
    let worst = 0;
    for (let i = 0; i < xs.length; i++) worst = Math.max(worst, Math.abs(exps[i]! / Math.exp(xs[i]!) - 1));
    // If jax-js makes exp float64-accurate, this fails: then tighten the W2 tolerance above.
    expect(worst).toBeGreaterThan(1e-9);
    expect(worst).toBeLessThan(1e-5);
  });

  it('the chain gradient of W3 agrees with tf.grad and jax-js grad (eager and jitted)', async () => {
    await useBackend('cpu');
    const ours = oursChainGradient(30);
    expect(worstRelative(ours, tfjsChainGradient(30))).toBeLessThan(1e-5);
    expect(await useJaxWasm()).toBeNull();
    expect(worstRelative(ours, jaxChainGradient(30, 'eager'))).toBeLessThan(1e-12);
    expect(worstRelative(ours, jaxChainGradient(30, 'jit'))).toBeLessThan(1e-12);
    expect(ours.some((v) => v !== 0)).toBe(true);
  });
});
