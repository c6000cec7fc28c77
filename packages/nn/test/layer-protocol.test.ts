import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ArgumentError, Rng, ShapeError, Tensor, add, mul, rand, randn, sum, tanh, tensor } from '@tapegrad/autograd';
import {
  Identity,
  Linear,
  LogLikelihoodCost,
  Module,
  Parameter,
  ReLU,
  SGD,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
  QuadraticCost,
  batchIndices,
  takeRows,
  checkLayer,
  closedFormBackprop,
  compareBackprop,
  fit,
  mlp,
  perSampleBackprop,
  tapeBackprop,
  trainStep,
  type BackpropContext,
  type DeltaInfo,
  type LayerBackprop,
} from '@tapegrad/nn';

/** A researcher's layer: y = x ⊙ γ + β per feature, with its backprop derived by hand. */
class ScaleShift extends Module {
  readonly gamma: Parameter;
  readonly beta: Parameter;
  constructor(
    readonly features: number,
    rng: Rng,
  ) {
    super();
    this.gamma = this.registerParameter('gamma', new Parameter(randn([features], { rng })));
    this.beta = this.registerParameter('beta', new Parameter(randn([features], { rng })));
  }
  forward(x: Tensor): Tensor {
    return add(mul(x, this.gamma), this.beta);
  }
  // ∂C/∂x = δ ⊙ γ; ∂C/∂γ = Σ_rows δ ⊙ x; ∂C/∂β = Σ_rows δ.
  override backprop(deltaOut: Tensor, { input }: BackpropContext): LayerBackprop {
    return {
      deltaIn: mul(deltaOut, this.gamma),
      grads: { gamma: this.gammaGrad(deltaOut, input), beta: sum(deltaOut, { axis: 0 }) },
    };
  }
  protected gammaGrad(deltaOut: Tensor, input: Tensor): Tensor {
    return sum(mul(deltaOut, input), { axis: 0 });
  }
  describe(): string {
    return `ScaleShift(${this.features})`;
  }
}

/** The same layer with a wrong derivation: ∂C/∂γ forgets the factor x. */
class WrongScaleShift extends ScaleShift {
  protected override gammaGrad(deltaOut: Tensor): Tensor {
    return sum(deltaOut, { axis: 0 });
  }
  override describe(): string {
    return `WrongScaleShift(${this.features})`;
  }
}

/** Inverted dropout in miniature: the mask drawn in forward is saved for the backprop. */
class MaskedScale extends Module {
  constructor(
    readonly p: number,
    readonly rng: Rng,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    if (!this.training) return x;
    const mask = new Float64Array(x.size);
    for (let i = 0; i < mask.length; i++) mask[i] = this.rng.uniform() < this.p ? 0 : 1 / (1 - this.p);
    const m = new Tensor(mask, x.shape);
    this.saveForBackprop(m);
    return mul(x, m);
  }
  override backprop(deltaOut: Tensor, { saved }: BackpropContext<Tensor>): LayerBackprop {
    return { deltaIn: saved === undefined ? deltaOut : mul(deltaOut, saved), grads: {} };
  }
  describe(): string {
    return `MaskedScale(p=${this.p})`;
  }
}

/** A layer with no hand-derived backprop: the comparison reports it tape only. */
class TapeOnlyTanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
  describe(): string {
    return 'TapeOnlyTanh';
  }
}

/** A random stack: Linear layers of random widths, each followed by one of the kinds, ending in `last`. */
function randomStack(rng: Rng, kinds: readonly number[], widths: readonly number[], inWidth: number): Sequential {
  const stages: Module[] = [];
  let w = inWidth;
  kinds.forEach((kind, i) => {
    const out = widths[i]!;
    stages.push(new Linear(w, out, { rng }));
    w = out;
    const next = [
      () => new Sigmoid(),
      () => new Tanh(),
      () => new ReLU(),
      () => new Identity(),
      () => new ScaleShift(w, rng),
      () => new Softmax(),
    ][kind]!();
    stages.push(next);
  });
  return new Sequential(...stages);
}

describe('the layer protocol: hand-derived backprop for any layer', () => {
  it('random stacks of Linear, activations, Softmax and a custom layer agree with the tape to ≤ 1e-12 (fast-check)', () => {
    let worst = 0;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom('quadratic', 'mse'),
        // λ from 0 or a realistic range: a subnormal λ (5e-324) makes the L2 gradient pure underflow noise.
        fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 5, noNaN: true })),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (kinds, widths, inWidth, m, cost, lambda, seed) => {
          const rng = new Rng(seed);
          const net = randomStack(rng, kinds, widths, inWidth);
          const out = widths[kinds.length - 1]!;
          const x = randn([m, inWidth], { rng });
          const y = rand([m, out], { rng });
          const cmp = compareBackprop(net, x, y, { cost, lambda, tolerance: 1e-12 });
          for (const l of cmp.layers) {
            expect(l.handDerived).toBe(true);
            for (const q of l.quantities) expect(q.tape!.maxRel).toBeLessThanOrEqual(1e-12);
          }
          expect(cmp.passed).toBe(true);
          worst = Math.max(worst, cmp.worstRel);
        },
      ),
      { numRuns: 200, seed: 20261203 },
    );
    console.log(`worst tape-vs-hand-derived relative difference over random stacks: ${worst.toExponential(3)}`);
  });

  it('checkLayer passes Linear, every activation, Softmax and a custom layer alone, with finite differences', () => {
    const rng = new Rng(5);
    const x = randn([4, 3], { rng });
    for (const layer of [
      new Linear(3, 2, { rng }),
      new Sigmoid(),
      new Tanh(),
      new ReLU(),
      new Identity(),
      new Softmax(),
      new ScaleShift(3, rng),
    ]) {
      const c = checkLayer(layer, x, { finiteDifferences: true });
      expect(c.passed, c.format()).toBe(true);
      expect(c.tolerance).toBe(1e-12);
      for (const q of c.quantities) {
        expect(q.tape.maxRel).toBeLessThanOrEqual(1e-12);
        expect(q.finiteDifferences!.passed).toBe(true);
      }
    }
  });

  it('checkLayer catches a wrong derivation, naming the quantity and the worst element', () => {
    const rng = new Rng(6);
    const x = tensor([
      [0.5, -1, 2],
      [1.5, 0.25, -0.75],
    ]);
    const good = checkLayer(new ScaleShift(3, new Rng(1)), x);
    expect(good.passed).toBe(true);
    const bad = checkLayer(new WrongScaleShift(3, new Rng(1)), x, { deltaOut: randn([2, 3], { rng }) });
    expect(bad.passed).toBe(false);
    expect(bad.worst!.quantity).toBe('∂C/∂gamma');
    const byName = Object.fromEntries(bad.quantities.map((q) => [q.name, q]));
    expect(byName['∂C/∂input']!.tape.passed).toBe(true);
    expect(byName['∂C/∂beta']!.tape.passed).toBe(true);
    expect(byName['∂C/∂gamma']!.tape.passed).toBe(false);
    const w = byName['∂C/∂gamma']!.tape.worst!;
    expect(w.index).toHaveLength(1);
    expect(bad.format()).toContain(
      `∂C/∂gamma is wrong: worst at [${w.index[0]}], hand-derived ${w.actual} vs tape ${w.expected}`,
    );
    expect(bad.format()).toMatch(/^checkLayer WrongScaleShift\(3\)/);
  });

  it('compareBackprop names the layer with a wrong backprop by its module path', () => {
    const rng = new Rng(7);
    const net = new Sequential(
      new Linear(3, 4, { rng }),
      new Sigmoid(),
      new WrongScaleShift(4, rng),
      new Linear(4, 2, { rng }),
    );
    const cmp = compareBackprop(net, randn([5, 3], { rng }), rand([5, 2], { rng }));
    expect(cmp.passed).toBe(false);
    const failing = cmp.layers.filter((l) => l.quantities.some((q) => q.tape?.passed === false));
    // The wrong ∂C/∂γ is caught at its layer; δ flowing to the layers below is still right.
    expect(failing.map((l) => [l.path, l.description])).toEqual([['2', 'WrongScaleShift(4)']]);
    expect(failing[0]!.params['gamma']!.tape!.passed).toBe(false);
    expect(cmp.format()).toMatch(/2 '2' WrongScaleShift\(4\)\s+δ/);
    expect(cmp.format()).toContain('FAIL');
  });

  it('reports a layer without backprop as tape only, and still checks the layers before it from the tape δ', () => {
    const rng = new Rng(8);
    const net = new Sequential(new Linear(3, 4, { rng }), new TapeOnlyTanh(), new Linear(4, 2, { rng }), new Sigmoid());
    const x = randn([5, 3], { rng });
    const y = rand([5, 2], { rng });
    const cmp = compareBackprop(net, x, y, { finiteDifferences: true });
    expect(cmp.passed).toBe(true);
    expect(cmp.layers.map((l) => [l.path, l.handDerived])).toEqual([
      ['0', true],
      ['1', false],
      ['2', true],
    ]);
    // δ at the first Linear's output comes from the tape-only layer: tape only, but finite differences check it.
    expect(cmp.layers[0]!.delta.tape).toBeNull();
    expect(cmp.layers[0]!.delta.finiteDifferences!.passed).toBe(true);
    expect(cmp.layers[0]!.params['weight']!.tape!.maxRel).toBeLessThanOrEqual(1e-12);
    expect(cmp.layers[1]!.delta.tape!.passed).toBe(true);
    expect(cmp.format()).toContain('tape only');
    expect(() => closedFormBackprop(net, x, y)).toThrow(/layer '1' TapeOnlyTanh has no hand-derived backprop/);
  });

  it('uses δ^L = a − y for softmax + log-likelihood, bit-exact, matching the tape and finite differences', () => {
    const rng = new Rng(9);
    const net = new Sequential(new Linear(3, 5, { rng }), new Sigmoid(), new Linear(5, 4, { rng }), new Softmax());
    const x = randn([6, 3], { rng });
    const labels = tensor([0, 3, 1, 1, 2, 0]);
    const cf = closedFormBackprop(net, x, labels, { cost: 'logLikelihood' });
    const a = cf.outputs.get('3')!;
    const dz = cf.deltas.get('2')!;
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < 4; j++) {
        const y = labels.data[i] === j ? 1 : 0;
        expect(dz.data[i * 4 + j]).toBe((a.data[i * 4 + j]! - y) / 6);
      }
    const cmp = compareBackprop(net, x, labels, {
      cost: new LogLikelihoodCost(),
      finiteDifferences: true,
      lambda: 0.3,
    });
    expect(cmp.passed, cmp.format()).toBe(true);
    expect(cmp.worstRel).toBeLessThan(1e-12);
  });

  it('saves what a layer needs during forward (a dropout mask) and uses the same draw on both sides', () => {
    const rng = new Rng(10);
    const net = new Sequential(
      new Linear(4, 6, { rng }),
      new Sigmoid(),
      new MaskedScale(0.5, new Rng(11)),
      new Linear(6, 2, { rng }),
    );
    const x = randn([5, 4], { rng });
    const y = rand([5, 2], { rng });
    const cmp = compareBackprop(net, x, y);
    expect(cmp.passed, cmp.format()).toBe(true);
    expect(cmp.worstRel).toBeLessThanOrEqual(1e-12);
    const c = checkLayer(new MaskedScale(0.3, new Rng(12)), x);
    expect(c.passed).toBe(true);
    // Nothing lingers after a forward pass: the trace took the mask.
    expect(net.stages()[2]!.takeSaved()).toBeUndefined();
  });

  it('refuses a backprop that returns a wrong shape or forgets a parameter, naming the layer', () => {
    class BadShape extends ScaleShift {
      override backprop(deltaOut: Tensor): LayerBackprop {
        return { deltaIn: sum(deltaOut, { axis: 0 }), grads: { gamma: this.gamma, beta: this.beta } };
      }
    }
    class Forgetful extends ScaleShift {
      override backprop(deltaOut: Tensor): LayerBackprop {
        return { deltaIn: deltaOut, grads: { gamma: this.gamma } };
      }
    }
    const rng = new Rng(13);
    const x = randn([3, 2], { rng });
    const y = rand([3, 2], { rng });
    expect(() => closedFormBackprop(new Sequential(new Linear(2, 2, { rng }), new BadShape(2, rng)), x, y)).toThrow(
      ShapeError,
    );
    expect(() => checkLayer(new BadShape(2, rng), x)).toThrow(
      /ScaleShift\(2\)\.backprop: deltaIn has shape \[2\] but the input has shape \[3, 2\]/,
    );
    expect(() => checkLayer(new Forgetful(2, rng), x)).toThrow(/returned no gradient for its parameter 'beta'/);
    expect(() => checkLayer(new TapeOnlyTanh(), x)).toThrow(ArgumentError);
    expect(() => checkLayer(new Sigmoid(), x, { deltaOut: tensor([1]) })).toThrow(ShapeError);
    expect(() => closedFormBackprop(mlp([2, 2], { rng }), x, y, { lamda: 1 } as never)).toThrow(
      /did you mean 'lambda'/,
    );
    expect(() => compareBackprop(mlp([2, 2], { rng }), x, y, { finiteDifferences: 'params' as never })).toThrow(
      ArgumentError,
    );
  });
});

describe('the single-sample equations', () => {
  it('give δ^{x,l} and ∂C_x/∂W^l = δ^{x,l} (a^{x,l−1})ᵀ per row, averaging to the batch gradient', () => {
    const rng = new Rng(14);
    const net = mlp([3, 4, 2], { rng });
    const x = randn([5, 3], { rng });
    const y = rand([5, 2], { rng });
    const samples = perSampleBackprop(net, x, y, { cost: 'quadratic' });
    expect(samples).toHaveLength(5);
    const batch = closedFormBackprop(net, x, y, { cost: 'quadratic' });
    for (const [name, g] of batch.grads) {
      for (let i = 0; i < g.size; i++) {
        const mean = samples.reduce((s, r) => s + r.grads.get(name)!.data[i]!, 0) / 5;
        expect(Math.abs(mean - g.data[i]!)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(g.data[i]!)));
      }
    }
    // BP4 for sample 2, layer 1, written out: ∂C_x/∂W_jk = δ_j a_k with a^0 = x.
    const s = samples[2]!;
    const delta = s.deltas.get('0')!;
    const w = s.grads.get('0.weight')!;
    for (let j = 0; j < 4; j++)
      for (let k = 0; k < 3; k++) expect(w.data[j * 3 + k]).toBe(delta.data[j]! * x.data[2 * 3 + k]!);
    // And δ per sample is the batch's Δ row times m (the batch cost's 1/m).
    for (let j = 0; j < 4; j++)
      expect(Math.abs(delta.data[j]! - 5 * batch.deltas.get('0')!.data[2 * 4 + j]!)).toBeLessThan(1e-15);
  });
});

describe('one training step for fit, the web page and the benchmarks', () => {
  it('trainStep returns the gradients keyed by parameter name and steps the optimizer with them', () => {
    const rng = new Rng(15);
    const a = mlp([2, 3, 1], { rng: new Rng(1) });
    const b = mlp([2, 3, 1], { rng: new Rng(1) });
    const x = randn([4, 2], { rng });
    const y = rand([4, 1], { rng });
    const before = a.stateDict();
    const r = trainStep(a, new SGD(a, { lr: 0.5 }), x, y, { cost: 'bce', lambda: 0.1, datasetSize: 40 });
    expect([...r.grads.keys()]).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    for (const [name, t] of a.stateDict()) {
      const g = r.grads.get(name)!;
      for (let i = 0; i < t.size; i++) expect(t.data[i]).toBe(before.get(name)!.data[i]! - 0.5 * g.data[i]!);
    }
    const cf = trainStep(b, new SGD(b, { lr: 0.5 }), x, y, {
      cost: 'bce',
      lambda: 0.1,
      datasetSize: 40,
      backprop: 'closed-form',
    });
    expect(Math.abs(cf.cost - r.cost)).toBeLessThan(1e-15);
    expect(() => trainStep(a, new SGD(a, { lr: 1 }), x, y, { backprop: 'closedform' as never })).toThrow(ArgumentError);
  });

  it('fit reports per-layer δ statistics every batch, the same from the tape and the closed form', () => {
    const x = randn([12, 2], { rng: new Rng(16) });
    const y = rand([12, 1], { rng: new Rng(17) });
    const run = (backprop: 'tape' | 'closed-form'): DeltaInfo[] => {
      const net = mlp([2, 3, 1], { rng: new Rng(2) });
      const seen: DeltaInfo[] = [];
      fit(net, x, y, {
        optimizer: new SGD(net, { lr: 1 }),
        rng: new Rng(3),
        epochs: 2,
        batchSize: 5,
        backprop,
        onDeltas: (d) => seen.push(d),
      });
      return seen;
    };
    const tape = run('tape');
    const cf = run('closed-form');
    expect(tape.map((d) => [d.epoch, d.batch, d.batches])).toEqual([
      [0, 0, 3],
      [0, 1, 3],
      [0, 2, 3],
      [1, 0, 3],
      [1, 1, 3],
      [1, 2, 3],
    ]);
    tape.forEach((d, i) => {
      expect(d.layers.map((l) => l.path)).toEqual(['0', '2']);
      d.layers.forEach((l, k) => {
        expect(l.meanAbs).toBeGreaterThan(0);
        expect(l.maxAbs).toBeGreaterThanOrEqual(l.meanAbs);
        expect(Math.abs(l.meanAbs - cf[i]!.layers[k]!.meanAbs)).toBeLessThan(1e-12 * l.meanAbs);
      });
    });
    // Per sample: the first batch's statistics are those of δ under the summed cost on its rows.
    const net = mlp([2, 3, 1], { rng: new Rng(2) });
    const first = batchIndices(12, { batchSize: 5, rng: new Rng(3) })[0]!;
    const summed = tapeBackprop(net, takeRows(x, first), takeRows(y, first), {
      cost: new QuadraticCost({ reduction: 'sum' }),
      deltas: true,
    });
    ['0', '2'].forEach((stage, k) => {
      const d = summed.deltas.get(stage)!;
      let total = 0;
      for (let i = 0; i < d.size; i++) total += Math.abs(d.data[i]!);
      expect(Math.abs(tape[0]!.layers[k]!.meanAbs - total / d.size)).toBeLessThan(1e-14 * (total / d.size));
    });
  });

  it('fit refuses onDeltas for a model that is not a Sequential', () => {
    class Wrapper extends Module {
      readonly inner = this.registerModule('inner', mlp([2, 1], { rng: new Rng(1) }));
      forward(x: Tensor): Tensor {
        return this.inner.forward(x);
      }
      describe(): string {
        return 'Wrapper';
      }
    }
    const w = new Wrapper();
    expect(() =>
      fit(w, randn([2, 2], { rng: new Rng(1) }), rand([2, 1], { rng: new Rng(2) }), {
        optimizer: new SGD(w, { lr: 1 }),
        rng: new Rng(3),
        epochs: 1,
        onDeltas: () => {},
      }),
    ).toThrow(/onDeltas .* needs a Sequential; Wrapper is not one/);
  });
});
