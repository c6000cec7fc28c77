/**
 * Fuzzing the nn surface a user touches first: layers given inputs of the wrong width or rank,
 * optimisers given tensors that cannot receive gradients or junk options, costs given outputs and
 * targets that do not match. Each call ends in success or a named error naming the culprit.
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { Rng, ShapeError, Tensor, tensor } from '@tapegrad/autograd';
import { Adam, Linear, SGD, mlp, resolveCost, type CostName } from '@tapegrad/nn';
import { check, count, expectNamedError, fmt, fuzz, junk, okOrNamed, smallShape } from '../../../test-support/fuzz.js';
import { plan } from '../../../test-support/fuzz-budget.js';

const filled = (shape: readonly number[], v = 0.25, requiresGrad = false): Tensor =>
  tensor(
    Float64Array.from({ length: count(shape) }, (_, i) => v + 0.1 * (i % 3)),
    { shape: [...shape], requiresGrad },
  );

describe('fuzz: nn modules, optimisers, costs', () => {
  it(`layers and MLPs given inputs of the wrong width or rank (${plan('modules: inputs of the wrong width').runs} cases)`, () => {
    fuzz(
      plan('modules: inputs of the wrong width'),
      fc.tuple(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 4 }),
        smallShape(0, 3, 0, 5),
        fc.boolean(),
      ),
      ([sizes, xs, single]) => {
        const net = single ? new Linear(sizes[0]!, sizes[1]!, { rng: new Rng(1) }) : mlp(sizes, { rng: new Rng(1) });
        const valid = xs.length === 2 && xs[1] === sizes[0];
        const call = (): Tensor => net.forward(filled(xs));
        if (!valid) {
          expectNamedError(call, ShapeError, ['Linear', fmt(xs), String(sizes[0])]);
          return;
        }
        const y = call();
        const out = single ? sizes[1]! : sizes.at(-1)!;
        check(
          y.shape.join() === [xs[0], out].join() && y.data.every(Number.isFinite),
          () => `forward gave ${fmt(y.shape)}`,
        );
      },
    );
  });

  it(`optimisers given parameters that do not require grad, duplicates and junk options (${plan('optimisers: parameters and options').runs} cases)`, () => {
    const param = fc.oneof(
      { weight: 4, arbitrary: fc.constant('leaf') },
      { weight: 2, arbitrary: fc.constant('noGrad') },
      { weight: 1, arbitrary: fc.constant('nonLeaf') },
      { weight: 1, arbitrary: junk },
    );
    const lr = fc.oneof(fc.double({ min: 1e-4, max: 1, noNaN: true }), fc.constantFrom(0, -1, NaN, Infinity), junk);
    fuzz(
      plan('optimisers: parameters and options'),
      fc.tuple(fc.array(param, { maxLength: 3 }), lr, fc.boolean(), fc.boolean()),
      ([kinds, rate, adam, dup]) => {
        const leaf = filled([2], 0.5, true);
        const params = kinds.map((k) =>
          k === 'leaf' ? filled([2], 0.5, true) : k === 'noGrad' ? filled([2]) : k === 'nonLeaf' ? leaf.mul(2) : k,
        );
        if (dup && params.length > 0) params.push(params[0]);
        const make = (): unknown =>
          adam
            ? new Adam(params as Tensor[], { lr: rate as number })
            : new SGD(params as Tensor[], { lr: rate as number });
        const name = adam ? 'Adam' : 'SGD';
        const r = okOrNamed(make, [name]);
        const shouldWork =
          params.length > 0 &&
          !dup &&
          kinds.every((k) => k === 'leaf') &&
          ((typeof rate === 'number' && Number.isFinite(rate) && rate > 0) || (adam && rate === undefined)); // Adam has a default lr
        check(
          r.ok === shouldWork,
          () =>
            `${name}(${JSON.stringify(kinds)}, lr ${String(rate)}, dup ${dup}): ${r.ok ? 'accepted' : `threw ${!r.ok && r.error.message}`}`,
        );
        if (!r.ok && kinds.some((k) => k === 'noGrad') && rate === 0.5)
          check(r.error.message.includes('does not require grad'), () => (r.ok ? '' : r.error.message));
      },
    );
  });

  it(`costs given mismatched outputs and targets (${plan('costs: mismatched outputs and targets').runs} cases)`, () => {
    const NAMES: CostName[] = ['quadratic', 'mse', 'cross-entropy', 'bce', 'bceWithLogits', 'softmaxCrossEntropy'];
    fuzz(
      plan('costs: mismatched outputs and targets'),
      fc.tuple(
        fc.constantFrom(...NAMES),
        smallShape(0, 3, 0, 3),
        smallShape(0, 3, 0, 3),
        fc.constantFrom('mean', 'sum', 'none', undefined),
      ),
      ([name, so, st, reduction]) => {
        const rc = okOrNamed(() => resolveCost(name, { reduction: reduction as 'mean' }), ['reduction']);
        if (!rc.ok) return;
        const cost = rc.value;
        const out = filled(so, 0.3, true);
        const target = filled(st, 0.5);
        const r = okOrNamed(() => cost.forward(out, target), []);
        if (!r.ok) {
          check(
            r.error.message.includes(fmt(so)) || r.error.message.includes(fmt(st)),
            () => `${name}: message names no shape: ${r.error.message}`,
          );
          return;
        }
        check(
          r.value.size === 1 && Number.isFinite(r.value.item()),
          () => `${name} on ${fmt(so)} vs ${fmt(st)} gave ${String(r.value)}`,
        );
        const g = okOrNamed(() => cost.gradOutput(out.detach(), target), []);
        if (g.ok)
          check(
            g.value.shape.join() === so.join() && g.value.data.every(Number.isFinite),
            () => `${name}.gradOutput gave ${fmt(g.value.shape)}`,
          );
      },
    );
  });
});
