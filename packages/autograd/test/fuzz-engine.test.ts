/**
 * Fuzzing misuse of the tape: backward twice through a released graph, backward on non-scalars
 * without a seed, seeds of the wrong shape, dtype or type, tensors edited after the tape saved
 * them, custom ops whose vjp returns the wrong number, shape or dtype of gradients, hooks that
 * return junk, and gradients() on tensors that do not require grad.
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import * as tg from '@tapegrad/autograd';
import { DTypeError, GradError, ShapeError, Tensor, TapegradError } from '@tapegrad/autograd';
import {
  broadcastOracle,
  check,
  count,
  expectNamedError,
  fmt,
  fuzz,
  junk,
  okOrNamed,
  sameShape,
  smallShape,
} from '../../../test-support/fuzz.js';
import { plan } from '../../../test-support/fuzz-budget.js';

const tensorOf = (shape: readonly number[], dtype: tg.DType = 'float64', requiresGrad = false): Tensor =>
  tg.tensor(
    Float64Array.from({ length: count(shape) }, (_, i) => 0.5 + (i % 3)),
    { shape: [...shape], dtype, requiresGrad },
  );

/** A short chain of differentiable ops from x (and a constant c of the same shape), by name. */
const STEPS = ['mul', 'add', 'div', 'sigmoid', 'softplus', 'reshape', 'softmax', 'tanh', 'square'] as const;
function chain(x: Tensor, c: Tensor, steps: readonly (typeof STEPS)[number][]): Tensor {
  let y = x;
  for (const s of steps) {
    if (s === 'mul') y = tg.mul(y, c);
    else if (s === 'add') y = tg.add(y, c);
    else if (s === 'div') y = tg.div(y, c);
    else if (s === 'reshape') y = tg.reshape(y, [...x.shape]);
    else y = (tg[s] as (t: Tensor) => Tensor)(y);
  }
  return y;
}

describe('fuzz: tape misuse', () => {
  it(`released tapes, missing or wrong seeds, in-place edits (${plan('engine: released tapes, seeds, in-place edits').runs} cases)`, () => {
    const seed = fc.oneof(
      fc.constant({ kind: 'none' as const }),
      smallShape(0, 3, 1, 3).map((s) => ({ kind: 'shape' as const, s })),
      fc.constant({ kind: 'float32' as const }),
      fc.double().map((v) => ({ kind: 'number' as const, v })),
      junk.map((v) => ({ kind: 'junk' as const, v })),
    );
    const scenario = fc.constantFrom('twice', 'seed', 'editInput', 'editConstant', 'clean');
    fuzz(
      plan('engine: released tapes, seeds, in-place edits'),
      fc.tuple(
        smallShape(0, 3, 1, 3),
        fc.array(fc.constantFrom(...STEPS), { minLength: 1, maxLength: 4 }),
        scenario,
        seed,
        fc.boolean(),
      ),
      ([shape, steps, what, sd, viaGradients]) => {
        const x = tensorOf(shape, 'float64', true);
        const c = tensorOf(shape);
        const y = chain(x, c, steps);
        const loss = y.sum();
        const run = (root: Tensor, s?: unknown): void => {
          if (viaGradients) tg.gradients(root, [x], s === undefined ? {} : { gradOutputs: [s as Tensor] });
          else root.backward(s as Tensor);
        };
        if (what === 'twice') {
          run(loss);
          expectNamedError(() => run(loss), GradError, ['released', 'retainGraph']);
        } else if (what === 'editInput' || what === 'editConstant') {
          const victim = what === 'editInput' ? x : c;
          const usesC = steps.some((s) => s === 'mul' || s === 'add' || s === 'div');
          tg.noGrad(() => victim.mutate_((d) => d.fill(2)));
          if (what === 'editConstant' && !usesC) run(loss);
          else expectNamedError(() => run(loss), GradError, ['modified in place', fmt(shape)]);
        } else if (what === 'seed') {
          const size1 = count(shape) === 1;
          const entry = viaGradients ? 'gradients' : 'backward';
          if (sd.kind === 'none') {
            if (size1) run(y);
            else expectNamedError(() => run(y), GradError, [entry, fmt(shape)]);
          } else if (sd.kind === 'shape') {
            if (sameShape(sd.s, shape)) run(y, tensorOf(sd.s));
            else expectNamedError(() => run(y, tensorOf(sd.s)), ShapeError, [fmt(sd.s), fmt(shape)]);
          } else if (sd.kind === 'float32') {
            expectNamedError(() => run(y, tensorOf(shape, 'float32')), DTypeError, ['float32', 'float64']);
          } else if (sd.kind === 'number') {
            // A number seed is broadcast (backward) or must be a tensor (gradients): either way no raw error.
            okOrNamed(() => run(y, sd.v), []);
          } else if (sd.v === undefined) {
            if (size1) run(y, sd.v);
            else expectNamedError(() => run(y, sd.v), GradError, [entry, fmt(shape)]);
          } else {
            // Seeds are checked by the shared sweep, whose messages name the entry point called.
            expectNamedError(() => run(y, sd.v), TapegradError, [entry, fmt(shape)]);
          }
        } else {
          run(loss);
          const g = viaGradients ? tg.gradients(chain(x, c, steps).sum(), x)! : x.grad!;
          check(sameShape(g.shape, shape) && g.data.every(Number.isFinite), () => 'clean backward gave a bad gradient');
        }
      },
    );
  });

  // A gradient of another shape is accepted only as the input broadcast along the output: each size
  // the input's own or, where the input has 1 (or no dimension), the output's.
  const isBroadcastAlongOutput = (input: number[], g: number[], out: number[]): boolean =>
    g.length === out.length &&
    input.length <= g.length &&
    g.every((d, i) => {
      const own = i < g.length - input.length ? 1 : input[i - (g.length - input.length)]!;
      return d === own || (own === 1 && d === out[i]);
    });

  it(`custom ops whose vjp returns the wrong number, shape or dtype of gradients (${plan('custom ops: wrong gradients').runs} cases)`, () => {
    const grad = fc.oneof(
      {
        weight: 4,
        arbitrary: fc
          .tuple(smallShape(0, 3, 1, 3), fc.constantFrom<tg.DType>('float64', 'float32'))
          .map(([s, d]) => ({ kind: 'tensor' as const, s, d })),
      },
      { weight: 1, arbitrary: fc.constant({ kind: 'null' as const }) },
      { weight: 1, arbitrary: junk.map((v) => ({ kind: 'junk' as const, v })) },
    );
    const result = fc.oneof(
      { weight: 5, arbitrary: fc.array(grad, { maxLength: 3 }) },
      { weight: 1, arbitrary: junk.map((v) => ({ junk: v })) },
    );
    fuzz(
      plan('custom ops: wrong gradients'),
      fc.tuple(smallShape(0, 3, 1, 3), smallShape(0, 3, 1, 3), fc.constantFrom<tg.DType>('float64', 'float32'), result),
      ([sa, sb, dt, res]) => {
        const op = tg.defineOp({
          name: 'fuzzOp',
          forward: (a, b) => tg.add(a!, b!),
          vjp: () =>
            Array.isArray(res)
              ? res.map((r) => (r.kind === 'tensor' ? tensorOf(r.s, r.d) : r.kind === 'null' ? null : (r.v as Tensor)))
              : (res.junk as Tensor[]),
        });
        const out = broadcastOracle(sa, sb);
        if (out === null) {
          expectNamedError(() => op(tensorOf(sa, dt, true), tensorOf(sb, dt, true)), ShapeError, ['add']);
          return;
        }
        const a = tensorOf(sa, dt, true);
        const b = tensorOf(sb, dt, true);
        const loss = op(a, b).sum();
        const inputs = [sa, sb];
        const valid =
          Array.isArray(res) &&
          res.length === 2 &&
          res.every(
            (r, i) =>
              r.kind === 'null' ||
              (r.kind === 'junk' && (r.v === null || r.v === undefined)) ||
              (r.kind === 'tensor' &&
                r.d === dt &&
                (sameShape(r.s, inputs[i]!) || isBroadcastAlongOutput(inputs[i]!, r.s, out))),
          );
        if (valid) {
          loss.backward();
          return;
        }
        const e = expectNamedError(() => loss.backward(), TapegradError, ['fuzzOp']);
        check(
          e instanceof GradError || e instanceof ShapeError || e instanceof DTypeError,
          () => `unexpected class ${e.constructor.name}`,
        );
      },
    );
  });

  it(`hooks returning junk and gradients() on the wrong tensors (${plan('hooks and gradients(): wrong arguments').runs} cases)`, () => {
    const hookResult = fc.oneof(
      fc.constant(undefined),
      smallShape(0, 3, 1, 3).map((s) => ({ s })),
      junk.map((v) => ({ v })),
    );
    fuzz(
      plan('hooks and gradients(): wrong arguments'),
      fc.tuple(smallShape(0, 3, 1, 3), hookResult, fc.boolean(), junk),
      ([shape, hr, onLeaf, bad]) => {
        const x = tensorOf(shape, 'float64', true);
        const y = tg.sigmoid(x);
        const target = onLeaf ? x : y;
        const returned = hr === undefined ? undefined : 's' in hr ? tensorOf(hr.s) : hr.v;
        target.registerHook(() => returned as Tensor);
        const ok = returned === undefined || (returned instanceof Tensor && sameShape(returned.shape, shape));
        if (ok) tg.gradients(y.sum(), [x]);
        else expectNamedError(() => tg.gradients(y.sum(), [x]), GradError, ['registerHook', fmt(shape)]);
        // Inputs that do not require grad, or are not tensors at all.
        expectNamedError(() => tg.gradients(tg.sigmoid(x).sum(), [tensorOf(shape)]), GradError, [
          'gradients',
          'does not require grad',
        ]);
        expectNamedError(() => tg.gradients(tg.sigmoid(x).sum(), [bad as Tensor]), TapegradError, ['gradients']);
        expectNamedError(() => tg.gradients(bad as Tensor, [x]), TapegradError, ['gradients']);
      },
    );
  });
});
