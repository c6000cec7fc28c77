/**
 * Issue 11's classes of bad input, generated: null, junk and misspelled options passed to every
 * options-taking function; positional axes against the options form; and empty tensors with a
 * huge dimension through every op that walks dimensions. Each call succeeds or ends in a named
 * error, never a raw TypeError or RangeError, and never hangs.
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import * as tg from '@tapegrad/autograd';
import { ArgumentError, type Tensor } from '@tapegrad/autograd';
import { check, expectNamedError, fuzz, junk, okOrNamed } from '../../../test-support/fuzz.js';
import { axisOption } from './support/arbitraries.js';
import { plan } from '../../../test-support/fuzz-budget.js';

const m = (): Tensor =>
  tg.tensor([
    [1, 5],
    [4, 3],
  ]);
const leaf = (): Tensor => tg.tensor([1, 2], { requiresGrad: true });

/** Every public function that takes an options object, with the keys it accepts. */
const TAKERS: readonly [string, readonly string[], (options: unknown) => unknown][] = [
  ['sum', ['axis', 'keepdims'], (o) => tg.sum(m(), o as never)],
  ['mean', ['axis', 'keepdims'], (o) => tg.mean(m(), o as never)],
  ['max', ['axis', 'keepdims'], (o) => m().max(o as never)],
  ['min', ['axis', 'keepdims'], (o) => tg.min(m(), o as never)],
  ['logsumexp', ['axis', 'keepdims'], (o) => tg.logsumexp(m(), o as never)],
  ['softmax', ['axis'], (o) => tg.softmax(m(), o as never)],
  ['logSoftmax', ['axis'], (o) => m().logSoftmax(o as never)],
  ['argmax', ['axis', 'keepdims'], (o) => tg.argmax(m(), o as never)],
  ['argmin', ['axis', 'keepdims'], (o) => m().argmin(o as never)],
  ['matmul', ['transposeA', 'transposeB'], (o) => tg.matmul(m(), m(), o as never)],
  ['tensor', ['dtype', 'requiresGrad', 'shape'], (o) => tg.tensor([1, 2], o as never)],
  ['zeros', ['dtype', 'requiresGrad'], (o) => tg.zeros([2], o as never)],
  ['ones', ['dtype', 'requiresGrad'], (o) => tg.ones([2], o as never)],
  ['full', ['dtype', 'requiresGrad'], (o) => tg.full([2], 3, o as never)],
  ['arange', ['dtype', 'requiresGrad'], (o) => tg.arange(0, 3, 1, o as never)],
  ['eye', ['dtype', 'requiresGrad'], (o) => tg.eye(2, 2, o as never)],
  ['rand', ['dtype', 'requiresGrad', 'rng'], (o) => tg.rand([2], o as never)],
  ['randn', ['dtype', 'requiresGrad', 'rng'], (o) => tg.randn([2], o as never)],
  ['Tensor', ['requiresGrad', 'shareVersionWith'], (o) => new tg.Tensor(new Float64Array(2), [2], o as never)],
  ['grad', ['argnums', 'hasAux'], (o) => tg.grad((x: Tensor) => x.sum(), o as never)(leaf())],
  ['valueAndGrad', ['argnums', 'hasAux'], (o) => tg.valueAndGrad((x: Tensor) => x.sum(), o as never)(leaf())],
  [
    'gradients',
    ['retainGraph', 'createGraph', 'gradOutputs', 'allowUnused'],
    (o) => {
      const x = leaf();
      return tg.gradients(x.mul(x).sum(), [x], o as never);
    },
  ],
  [
    'backward',
    ['retainGraph', 'createGraph'],
    (o) =>
      leaf()
        .mul(2)
        .sum()
        .backward(undefined, o as never),
  ],
  [
    'gradcheck',
    ['eps', 'atol', 'rtol', 'allowFloat32'],
    (o) => tg.gradcheck((x: Tensor) => x.mul(x), [leaf()], o as never),
  ],
  [
    'gradgradcheck',
    ['eps', 'atol', 'rtol', 'allowFloat32', 'rng', 'gradOutputs'],
    (o) => tg.gradgradcheck((x: Tensor) => x.mul(x), [leaf()], o as never),
  ],
  [
    'gradcheckDirectional',
    ['eps', 'atol', 'rtol', 'allowFloat32', 'rng', 'directions'],
    (o) => tg.gradcheckDirectional((x: Tensor) => x.mul(x), [leaf()], o as never),
  ],
  ['tapeNodes', ['names'], (o) => tg.tapeNodes(leaf().mul(2), o as never)],
  ['formatTape', ['names'], (o) => tg.formatTape(leaf().mul(2), o as never)],
  ['toDot', ['names'], (o) => tg.toDot(leaf().mul(2), o as never)],
  ['customVjp', ['fwd', 'bwd', 'name'], (o) => tg.customVjp((x: Tensor) => x, o as never)],
];

/** Option keys as users misspell them (PyTorch, JAX, NumPy, typos) plus arbitrary ones. */
const strayKey = fc.oneof(
  fc.constantFrom(
    'dim',
    'keepdim',
    'create_graph',
    'retain_graph',
    'requires_grad',
    'has_aux',
    'argnum',
    'axes',
    'transpose_a',
    'shap',
  ),
  fc.string({ minLength: 1, maxLength: 6 }),
);

describe('fuzz: options', () => {
  it(`null, junk and misspelled options everywhere (${plan('options: null, junk and misspelled options everywhere').runs} cases)`, () => {
    const options = fc.oneof(
      { weight: 2, arbitrary: junk.map((v) => ({ kind: 'junk' as const, v })) },
      { weight: 3, arbitrary: fc.tuple(strayKey, junk).map(([k, v]) => ({ kind: 'stray' as const, k, v })) },
      { weight: 1, arbitrary: fc.constant({ kind: 'absent' as const }) },
    );
    fuzz(
      plan('options: null, junk and misspelled options everywhere'),
      fc.tuple(fc.integer({ min: 0, max: TAKERS.length - 1 }), options),
      ([i, o]) => {
        const [name, accepted, call] = TAKERS[i]!;
        if (o.kind === 'absent') {
          okOrNamed(() => call(undefined));
          return;
        }
        if (o.kind === 'junk') {
          // An object of junk keys, undefined (no options) or a valid form may pass; anything else is named.
          okOrNamed(() => call(o.v));
          if (o.v === null || (typeof o.v !== 'object' && typeof o.v !== 'undefined' && typeof o.v !== 'number'))
            expectNamedError(() => call(o.v), tg.TapegradError, [name]);
          return;
        }
        const given = { [o.k]: o.v };
        if (accepted.includes(o.k)) okOrNamed(() => call(given));
        else expectNamedError(() => call(given), ArgumentError, [name, `'${o.k}'`]);
      },
    );
  });

  it(`positional axes give what the options form gives (${plan('positional axes: same as the options form').runs} cases)`, () => {
    const ops: [string, (x: Tensor, a: unknown) => Tensor][] = [
      ['sum', (x, a) => tg.sum(x, a as never)],
      ['mean', (x, a) => x.mean(a as never)],
      ['max', (x, a) => tg.max(x, a as never)],
      ['min', (x, a) => x.min(a as never)],
      ['logsumexp', (x, a) => tg.logsumexp(x, a as never)],
      ['softmax', (x, a) => tg.softmax(x, a as never)],
      ['logSoftmax', (x, a) => x.logSoftmax(a as never)],
      ['argmax', (x, a) => x.argmax(a as never)],
      ['argmin', (x, a) => tg.argmin(x, a as never)],
    ];
    const shaped = fc
      .array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 3 })
      .chain((shape) => fc.tuple(fc.constant(shape), axisOption(shape.length), fc.integer({ min: -4, max: 4 })));
    fuzz(
      plan('positional axes: same as the options form'),
      fc.tuple(fc.integer({ min: 0, max: ops.length - 1 }), shaped, fc.boolean()),
      ([k, [shape, axis, outOfRange], useStray]) => {
        const [name, op] = ops[k]!;
        const x = tg.tensor(
          Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => (i * 7) % 5),
          {
            shape,
          },
        );
        const a = useStray ? outOfRange : axis;
        if (a === undefined) return;
        const positional = okOrNamed(() => op(x, a), [name]);
        const named = okOrNamed(() => op(x, { axis: a }), [name]);
        check(positional.ok === named.ok, () => `${name}(${JSON.stringify(a)}): one form failed, the other did not`);
        if (positional.ok && named.ok) {
          const p = positional.value;
          const q = named.value;
          check(
            JSON.stringify(p.shape) === JSON.stringify(q.shape) && p.data.every((v, i) => Object.is(v, q.data[i])),
            () => `${name}(${JSON.stringify(a)}) differs from ${name}({axis: ${JSON.stringify(a)}})`,
          );
        } else if (!positional.ok && !named.ok) {
          check(
            positional.error.constructor === named.error.constructor,
            () => `${name}: ${positional.error.constructor.name} vs ${named.error.constructor.name}`,
          );
        }
      },
    );
  });

  it(`huge-but-empty shapes never hang or throw raw errors (${plan('huge-but-empty shapes: no hang, no raw error').runs} cases)`, () => {
    const hugeEmpty = fc.tuple(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 33, max: 50 })).chain(([rank, bits]) =>
      fc
        .tuple(
          fc.array(fc.integer({ min: 1, max: 3 }), { minLength: rank, maxLength: rank }),
          fc.integer({ min: 0, max: rank - 1 }),
          fc.integer({ min: 0, max: rank - 1 }),
        )
        .map(([sizes, zeroAt, hugeAt]) => {
          const s = [...sizes];
          s[hugeAt] = 2 ** bits;
          s[zeroAt] = 0;
          return s;
        }),
    );
    const ops: [string, (x: Tensor, axis: number) => unknown][] = [
      ['transpose', (x, a) => x.transpose(a)],
      ['permute', (x) => x.permute(x.shape.map((_, i) => x.ndim - 1 - i))],
      ['softmax', (x, a) => tg.softmax(x, a)],
      ['logSoftmax', (x, a) => tg.logSoftmax(x, a)],
      ['logsumexp', (x, a) => tg.logsumexp(x, a)],
      ['sum', (x, a) => x.sum(a)],
      ['mean', (x, a) => x.mean(a)],
      ['max', (x, a) => x.max(a)],
      ['argmax', (x, a) => x.argmax(a)],
      ['takeAlongAxis', (x, a) => tg.takeAlongAxis(x, tg.zeros(x.shape as number[]), a)],
      ['gather', (x, a) => tg.gather(x, [0], a)],
      ['squeeze', (x) => x.squeeze()],
      ['unsqueeze', (x, a) => x.unsqueeze(a)],
      ['reshape', (x) => x.reshape([-1])],
      ['flip via slice', (x) => x.slice(x.shape.map(() => null))],
      ['concat', (x, a) => tg.concat([x, x], a)],
      ['exp', (x) => x.exp()],
      [
        'backward through softmax',
        (x, a) => {
          const y = x.detach();
          y.requiresGrad = true;
          tg.softmax(y, a).sum().backward();
          return y.grad;
        },
      ],
    ];
    fuzz(
      plan('huge-but-empty shapes: no hang, no raw error'),
      fc.tuple(hugeEmpty, fc.integer({ min: 0, max: ops.length - 1 }), fc.integer({ min: -4, max: 3 })),
      ([shape, k, axis]) => {
        const [name, op] = ops[k]!;
        const x = tg.zeros(shape);
        okOrNamed(() => op(x, axis), [name === 'flip via slice' || name.startsWith('backward') ? '' : name]);
      },
    );
  });
});
