/**
 * The backward pass keeps gradient buffers nothing else holds instead of copying them, and sums
 * into them in place: `.grad` adopts such a buffer, a second pass adds into a `.grad` nobody has
 * read, and the sweep sums a tensor's gradients into one buffer. These tests pin that no user ever
 * sees two tensors sharing a buffer because of it: not two gradients, not a gradient and a seed,
 * a hook's argument, a custom vjp's tensor, a forward value or a `.grad` that was read or set.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type DType,
  Tensor,
  add,
  defineOp,
  gradients,
  matmul,
  mul,
  noGrad,
  reshape,
  sigmoid,
  sub,
  sum,
  tensor,
  zeros,
} from '@tapegrad/autograd';
import { fuzz } from '../../../test-support/fuzz.js';
import { plan } from '../../../test-support/fuzz-budget.js';

const values = (t: Tensor | null): number[] => Array.from(t!.data);
const leaf = (v: number[], shape: number[] = [v.length]): Tensor => tensor(v, { shape, requiresGrad: true });
const fill = (t: Tensor, v: number): void => void noGrad(() => t.mutate_((d) => d.fill(v)));

describe('.grad adopts the gradient and sums in place only where nobody else can see it', () => {
  it('stores exact gradients of a linear layer, each in a buffer of its own', () => {
    // loss = Σ (x·Wᵀ + b): ∂W[o, i] = Σ_rows x[r, i], ∂b = rows, ∂x[r, i] = Σ_o W[o, i].
    const x = leaf([1, 2, 3, 4], [2, 2]);
    const w = leaf([1, -1, 2, 0.5], [2, 2]);
    const b = leaf([0.25, 0.75]);
    sum(add(matmul(x, w, { transposeB: true }), b)).backward();
    expect(values(w.grad)).toEqual([4, 6, 4, 6]);
    expect(values(b.grad)).toEqual([2, 2]);
    expect(values(x.grad)).toEqual([3, -0.5, 3, -0.5]);
    const buffers = new Set([x, w, b, x.grad!, w.grad!, b.grad!].map((t) => t.data));
    expect(buffers.size).toBe(6);
  });

  it('sums a second pass into an unread .grad, giving the same values as two separate sums', () => {
    const x = leaf([1, 2, 3]);
    const f = (): Tensor => sum(mul(mul(x, x), 0.5)); // ∂ = x
    f().backward();
    f().backward();
    expect(values(x.grad)).toEqual([2, 4, 6]);
  });

  it('never edits a .grad the caller has read: the second pass stores a new tensor', () => {
    const x = leaf([1, 2, 3]);
    const f = (): Tensor => sum(mul(x, 2));
    f().backward();
    const first = x.grad!;
    f().backward();
    expect(values(first)).toEqual([2, 2, 2]);
    expect(values(x.grad)).toEqual([4, 4, 4]);
    expect(x.grad!.data).not.toBe(first.data);
  });

  it('never edits a .grad the caller set, even one tensor set on two leaves', () => {
    const a = leaf([1, 2]);
    const b = leaf([3, 4]);
    const shared = zeros([2]);
    a.grad = shared;
    b.grad = shared;
    sum(add(mul(a, 2), mul(b, 3))).backward();
    expect(values(shared)).toEqual([0, 0]);
    expect(values(a.grad)).toEqual([2, 2]);
    expect(values(b.grad)).toEqual([3, 3]);
    expect(a.grad!.data).not.toBe(b.grad!.data);
  });

  it('keeps a .grad obtained before the pass unchanged when a retained graph is run twice', () => {
    const x = leaf([1, 2]);
    const loss = sum(sigmoid(mul(x, x)));
    loss.backward(undefined, { retainGraph: true });
    const once = values(x.grad);
    const read = x.grad!;
    loss.backward();
    expect(values(read)).toEqual(once);
    expect(values(x.grad)).toEqual(once.map((v) => v + v));
  });

  it('gives a gradient a hook saw its own buffer, and later passes leave the hook’s tensor alone', () => {
    const x = leaf([1, 2]);
    const seen: Tensor[] = [];
    x.registerHook((g) => void seen.push(g));
    const f = (): Tensor => sum(mul(x, 3));
    f().backward();
    expect(x.grad!.data).not.toBe(seen[0]!.data);
    f().backward(); // x.grad was not read, so this pass may sum into it in place
    expect(values(seen[0]!)).toEqual([3, 3]);
    fill(x.grad!, 0);
    expect(values(seen[1]!)).toEqual([3, 3]);
  });

  it('copies what a hook on an intermediate saw before handing it on', () => {
    const x = leaf([1, 2]);
    const seen: Tensor[] = [];
    const y = mul(x, 1);
    y.registerHook((g) => void seen.push(g));
    sum(add(y, 0)).backward(); // add hands y's gradient on unchanged, and y's node hands it on again
    expect(x.grad!.data).not.toBe(seen[0]!.data);
    fill(x.grad!, 7);
    expect(values(seen[0]!)).toEqual([1, 1]);
  });

  it('never keeps or edits a tensor a custom vjp returned or was given', () => {
    const constant = tensor([10, 20]);
    const given: Tensor[] = [];
    const fixed = defineOp({ name: 'fixedGradient', forward: (x) => x.mul(1), vjp: () => [constant] });
    const passOn = defineOp({
      name: 'passOn',
      forward: (x) => x.mul(1),
      vjp: (g) => {
        given.push(g);
        return [g];
      },
    });
    const x = leaf([1, 2]);
    const loss = (): Tensor => sum(add(fixed(x), passOn(x)));
    loss().backward();
    loss().backward();
    expect(values(constant)).toEqual([10, 20]);
    expect(given.map(values)).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(values(x.grad)).toEqual([22, 42]);
    fill(x.grad!, 0);
    expect(values(constant)).toEqual([10, 20]);
    expect(given.map(values)).toEqual([
      [1, 1],
      [1, 1],
    ]);
  });

  it('gives a retained intermediate and the leaf it passes its gradient to separate buffers', () => {
    const x = leaf([1, 2]);
    const z = reshape(x, [2, 1]).retainGrad();
    sum(mul(z, 3)).backward();
    expect(values(z.grad)).toEqual([3, 3]);
    expect(values(x.grad)).toEqual([3, 3]);
    expect(z.grad!.data).not.toBe(x.grad!.data);
  });

  it('leaves every forward value as it was', () => {
    const x = leaf([0.5, -1, 2]);
    const d = sub(sigmoid(mul(x, x)), 0.25);
    const before = values(d);
    sum(mul(d, d)).backward();
    expect(values(d)).toEqual(before);
    expect(values(x)).toEqual([0.5, -1, 2]);
  });

  it('under createGraph keeps .grad on the tape and sums out of place', () => {
    const x = leaf([2]);
    sum(mul(x, x)).backward(undefined, { createGraph: true });
    const first = x.grad!;
    sum(mul(x, 3)).backward();
    expect(values(first)).toEqual([4]);
    expect(first.requiresGrad).toBe(true);
    expect(values(x.grad)).toEqual([7]);
  });
});

describe('gradients() returns buffers of their own', () => {
  it('for two inputs that receive one gradient from add', () => {
    const a = leaf([1, 2]);
    const b = leaf([3, 4]);
    const [ga, gb] = gradients(sum(add(a, b)), [a, b]);
    expect(ga!.data).not.toBe(gb!.data);
    fill(ga!, 9);
    expect(values(gb!)).toEqual([1, 1]);
  });

  it('for an input named twice', () => {
    const x = leaf([1, 2]);
    const [g1, g2] = gradients(sum(mul(x, 5)), [x, x]);
    fill(g1!, 0);
    expect(values(g2!)).toEqual([5, 5]);
  });

  it('for a gradient that is the caller’s seed passed on', () => {
    const x = leaf([1, 2]);
    const seed = tensor([[7], [8]]);
    const [g] = gradients(reshape(x, [2, 1]), [x], { gradOutputs: [seed] });
    expect(values(g!)).toEqual([7, 8]);
    fill(g!, 0);
    expect(values(seed)).toEqual([7, 8]);
  });
});

/** A small fuzzed graph: its leaves (two matrices, a row vector, a square weight), every tensor the forward made, the loss. */
interface Graph {
  readonly leaves: Tensor[];
  readonly all: Tensor[];
  readonly loss: Tensor;
}

const OPS = ['add', 'sub', 'mul', 'addRow', 'mulRow', 'sigmoid', 'view', 'matmul', 'sumRows', 'rowSquare'] as const;
type Step = readonly [op: (typeof OPS)[number], i: number, j: number];

/**
 * Builds a graph from steps that pick their operands by index among the earlier matrices and rows
 * (repeats allowed, so a tensor may meet itself, as in d·d), with a row added or multiplied
 * across a matrix as a bias is.
 */
function build(steps: readonly Step[], dtype: DType): Graph {
  const t = (v: number[], shape: number[], requiresGrad = true): Tensor => tensor(v, { shape, dtype, requiresGrad });
  const m = (v: number): Tensor => t([v, -v, 2 * v, 0.5, v / 3, -1], [2, 3]);
  const weight = t([0.1, 0.2, -0.3, 0.5, -0.6, 0.7, 0.4, 0.8, -0.2], [3, 3]);
  const leaves = [m(0.3), m(-0.7), t([0.2, -0.4, 0.9], [3]), weight];
  const constant = t([1, 2, 3, 4, 5, 6], [2, 3], false);
  const mats: Tensor[] = [constant, leaves[0]!, leaves[1]!];
  const rows: Tensor[] = [leaves[2]!];
  const all: Tensor[] = [...leaves, constant];
  for (const [op, i, j] of steps) {
    const a = mats[i % mats.length]!;
    const b = mats[j % mats.length]!;
    const r = rows[j % rows.length]!;
    let out: Tensor;
    if (op === 'add') out = add(a, b);
    else if (op === 'sub') out = sub(a, b);
    else if (op === 'mul') out = mul(a, b);
    else if (op === 'addRow') out = add(a, r);
    else if (op === 'mulRow') out = mul(a, r);
    else if (op === 'sigmoid') out = sigmoid(a);
    else if (op === 'view') out = reshape(reshape(a, [6]), [2, 3]);
    else if (op === 'matmul') out = matmul(a, weight, { transposeB: true });
    else if (op === 'sumRows') out = sum(a, 0);
    else out = mul(r, r);
    (out.ndim === 2 ? mats : rows).push(out);
    all.push(out);
  }
  const loss = add(sum(mats[mats.length - 1]!), sum(mul(rows[rows.length - 1]!, 0.5)));
  return { leaves, all: [...all, loss], loss };
}

const snapshot = (ts: readonly Tensor[]): number[][] => ts.map(values);

describe('fuzz: gradient buffers', () => {
  it(`never alias and match the out-of-place sums exactly (${plan('engine: gradient buffers never alias').runs} cases)`, () => {
    const step = fc.tuple(fc.constantFrom(...OPS), fc.nat(7), fc.nat(7));
    fuzz(
      plan('engine: gradient buffers never alias'),
      fc.record({
        steps: fc.array(step, { minLength: 1, maxLength: 8 }),
        retain: fc.option(fc.nat(20)),
        hook: fc.option(fc.nat(20)),
        preset: fc.constantFrom('none', 'own', 'shared'),
        passes: fc.constantFrom(1, 2, 3),
        readBetween: fc.boolean(),
        dtype: fc.constantFrom<DType>('float64', 'float32'),
      }),
      ({ steps, retain, hook, preset, passes, readBetween, dtype }) => {
        const { leaves, all, loss } = build(steps, dtype);
        if (!loss.requiresGrad) return; // built from the constant alone
        const inner = all.filter((t) => !t.isLeaf && t !== loss);
        const retained = retain === null || inner.length === 0 ? null : inner[retain % inner.length]!.retainGrad();
        const seen: [Tensor, number[]][] = [];
        if (hook !== null) {
          const onto = [...leaves, ...inner][hook % (leaves.length + inner.length)]!;
          onto.registerHook((grad) => void seen.push([grad, values(grad)]));
        }
        const targets = retained === null ? leaves : [...leaves, retained];
        // The reference: one pass's gradients from a recorded pass, which never sums in place.
        const ref = gradients(loss, targets, { createGraph: true, retainGraph: true, allowUnused: true });
        seen.length = 0;
        const presets: Tensor[] = [];
        if (preset !== 'none') {
          const shared = zeros([2, 3], { dtype });
          for (const t of leaves.slice(0, 2)) {
            t.grad = preset === 'shared' ? shared : tensor([1, 2, 3, 4, 5, 6], { shape: [2, 3], dtype });
            presets.push(t.grad);
          }
        }
        const presetValues = snapshot(presets);
        const forwardValues = snapshot(all);
        const read: [Tensor, number[]][] = [];
        for (let p = 0; p < passes; p++) {
          loss.backward(undefined, { retainGraph: p < passes - 1 });
          if (readBetween && p < passes - 1) for (const t of targets) if (t.grad) read.push([t.grad, values(t.grad)]);
        }
        // Values: the preset plus one reference per pass, summed in backward's order, rounded to the dtype.
        const round = dtype === 'float32' ? Math.fround : (v: number): number => v;
        targets.forEach((t, i) => {
          const r = ref[i] ?? null;
          const start = i < presets.length ? presets[i]! : null;
          if (r === null) return void expect(t.grad).toBe(start);
          const expected = Array.from(r.data, (v, k) => {
            let total = start === null ? v : round(start.data[k]! + v);
            for (let p = 1; p < passes; p++) total = round(total + v);
            return total;
          });
          expect(values(t.grad)).toEqual(expected);
        });
        // No gradient shares a buffer with another or with anything else the caller can reach.
        const grads = targets.flatMap((t) => (t.grad === null || presets.includes(t.grad) ? [] : [t.grad]));
        const buffers = new Set(
          [...all, ...presets, ...seen.map(([s]) => s), ...read.map(([s]) => s)].map((x) => x.data),
        );
        for (const gr of grads) {
          expect(buffers.has(gr.data)).toBe(false);
          buffers.add(gr.data);
        }
        // And nothing the caller saw earlier changed: forward values, presets, hook arguments, read gradients.
        expect(snapshot(all)).toEqual(forwardValues);
        expect(snapshot(presets)).toEqual(presetValues);
        for (const [t, v] of [...seen, ...read]) expect(values(t)).toEqual(v);
      },
    );
  });
});
