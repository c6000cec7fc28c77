import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng, tensor, rand, randn } from '@tapegrad/autograd';
import { mlp, compareBackprop, closedFormBackprop, QuadraticCost, BCECost } from '@tapegrad/nn';

/** Targets in [0, 1] for both costs; cross-entropy needs them there, quadratic does not mind. */
function batch(rng: Rng, m: number, nIn: number, nOut: number) {
  return { x: randn([m, nIn], { rng }), y: rand([m, nOut], { rng }) };
}

describe('tape vs closed-form backprop', () => {
  it('agree to 1e-10 relative on random sigmoid MLPs (fast-check)', () => {
    let worst = 0;
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 4 })
          .chain((depth) => fc.array(fc.integer({ min: 1, max: 20 }), { minLength: depth + 1, maxLength: depth + 1 })),
        fc.integer({ min: 1, max: 16 }),
        fc.constantFrom('quadratic', 'bce'),
        fc.constantFrom<'mean' | 'sum'>('mean', 'sum'),
        fc.oneof(fc.constant(0), fc.double({ min: 0, max: 10, noNaN: true })),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (sizes, m, costName, reduction, lambda, seed) => {
          const rng = new Rng(seed);
          const net = mlp(sizes, { rng });
          const { x, y } = batch(rng, m, sizes[0]!, sizes[sizes.length - 1]!);
          const cost = costName === 'quadratic' ? new QuadraticCost({ reduction }) : new BCECost({ reduction });
          const cmp = compareBackprop(net, x, y, { cost, lambda, tolerance: 1e-10 });
          worst = Math.max(worst, cmp.worstRel);
          expect(cmp.layers).toHaveLength(sizes.length - 1);
          for (const l of cmp.layers) {
            for (const q of l.quantities) {
              expect(q.tape!.maxRel).toBeLessThanOrEqual(1e-10);
              expect(q.tape!.passed).toBe(true);
            }
          }
          expect(cmp.passed).toBe(true);
        },
      ),
      { numRuns: 300, seed: 20240601 },
    );
    console.log(`worst tape-vs-closed-form relative difference over the fast-check run: ${worst.toExponential(3)}`);
    expect(worst).toBeLessThanOrEqual(1e-10);
  });

  it('reports per-layer differences on a representative 784-30-10 style net (scaled down to 20-30-10)', () => {
    const rng = new Rng(7);
    const net = mlp([20, 30, 10], { rng });
    const { x, y } = batch(rng, 16, 20, 10);
    const cmp = compareBackprop(net, x, y, { cost: 'quadratic', lambda: 0.5 });
    console.log(cmp.format());
    expect(cmp.passed).toBe(true);
    expect(cmp.worstRel).toBeLessThan(1e-13);
  });

  it('uses δ^L = (a − y)/m for sigmoid + cross-entropy (Nielsen, chapter 3), matching the tape', () => {
    const rng = new Rng(3);
    const net = mlp([3, 4, 2], { rng });
    const { x, y } = batch(rng, 5, 3, 2);
    const cf = closedFormBackprop(net, x, y, { cost: 'bce' });
    const aL = cf.outputs.get('3')!;
    for (let i = 0; i < aL.size; i++) expect(cf.deltas.get('2')!.data[i]).toBe((aL.data[i]! - y.data[i]!) / 5); // bit-exact: no σ′ was formed
    expect(compareBackprop(net, x, y, { cost: 'bce' }).passed).toBe(true);
  });

  it('agrees with central finite differences on small nets (δ, ∂W, ∂b), with and without L2', () => {
    for (const [seed, sizes, m, cost, lambda] of [
      [1, [2, 3, 1], 4, 'quadratic', 0],
      [2, [3, 4, 3, 2], 3, 'bce', 0.7],
      [3, [1, 2, 2, 2, 1], 1, 'quadratic', 2],
      [4, [4, 5, 3], 6, new BCECost({ reduction: 'sum' }), 0.1],
    ] as const) {
      const rng = new Rng(seed);
      const net = mlp(sizes, { rng });
      const { x, y } = batch(rng, m, sizes[0], sizes[sizes.length - 1]!);
      const cmp = compareBackprop(net, x, y, { cost, lambda, finiteDifferences: true });
      // Central differences at eps 1e-6 carry a rounding error of about ε_mach·|C|/eps; the
      // closed form must sit inside that band, not merely inside gradcheck's atol/rtol.
      const roundingBand = (10 * Number.EPSILON * Math.max(1, Math.abs(cmp.tape.cost))) / 1e-6;
      for (const l of cmp.layers) {
        for (const q of l.quantities) {
          expect(q.finiteDifferences!.passed).toBe(true);
          expect(q.finiteDifferences!.maxAbs).toBeLessThan(roundingBand);
        }
      }
      expect(cmp.passed).toBe(true);
      expect(cmp.format()).toContain('fd max rel');
    }
  });

  it('formats an aligned table with one row per layer and quantity', () => {
    const rng = new Rng(11);
    const net = mlp([2, 2, 1], { rng });
    const cmp = compareBackprop(net, tensor([[0.5, -1]]), tensor([[1]]));
    const lines = cmp.format().split('\n');
    expect(lines).toHaveLength(2 + 6 + 1);
    expect(lines[0]).toMatch(/^layer\s+quantity\s+shape\s+tape max abs\s+tape max rel\s+tape$/);
    const okColumn = lines[2]!.lastIndexOf('ok');
    for (const row of lines.slice(2, 8)) expect(row.lastIndexOf('ok')).toBe(okColumn);
  });
});
