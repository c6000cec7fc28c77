/**
 * The sweep and the planner on hand-built tapes: nodes made directly (no op runs a forward), each
 * with a vjp that multiplies by a fixed factor, so every adjoint is a hand-worked number.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GradError, Node, type OpSpec, Tensor } from '@tapegrad/autograd';
import { allNeeds, planNeeds, reachableNodes } from '../src/engine/plan.js';
import { type Sweep, type SweepResult, sweep } from '../src/engine/sweep.js';
import { defineOps } from '../src/ops/define.js';

const leaf = (v: number, requiresGrad = true): Tensor => new Tensor(Float64Array.of(v), [], { requiresGrad });

/** y = Σ factor_i · x_i as a tape node (the value is irrelevant to the sweep): ∂y/∂x_i = factor_i. */
function record(name: string, inputs: Tensor[], factors: number[]): Tensor {
  const spec: OpSpec<void> = {
    name,
    forward: () => {
      throw new Error('hand-built nodes never run forward');
    },
    vjp: (g, { needsGrad }) =>
      factors.map((f, i) => (needsGrad[i] ? new Tensor(Float64Array.of(g.data[0]! * f), []) : null)),
  };
  const out = new Tensor(Float64Array.of(0), []);
  out._setNode(new Node(spec, inputs, out, undefined, undefined));
  return out;
}

/** One sweep from `roots`, each seeded with 1, keeping the leaves' adjoints. */
function sweepFrom(roots: Tensor[], overrides: Partial<Sweep> = {}): SweepResult {
  const nodes = reachableNodes(roots);
  return sweep({
    caller: 'gradients',
    nodes,
    needs: allNeeds(nodes),
    seeds: roots.map((r) => [r, new Tensor(Float64Array.of(1), [])] as const),
    keep: (t) => t.isLeaf,
    createGraph: false,
    retainGraph: true,
    anomaly: false,
    inPlace: true,
    ...overrides,
  });
}

const run = (roots: Tensor[], overrides: Partial<Sweep> = {}): Map<Tensor, Tensor> =>
  sweepFrom(roots, overrides).adjoints;

const value = (m: Map<Tensor, Tensor>, t: Tensor): number | undefined => m.get(t)?.data[0];

describe('sweep on hand-built nodes', () => {
  it('sums the paths of a diamond: y = 2u + 5v with u = 3x, v = 7x gives ∂y/∂x = 2·3 + 5·7 = 41', () => {
    const x = leaf(1);
    const u = record('u', [x], [3]);
    const v = record('v', [x], [7]);
    const y = record('y', [u, v], [2, 5]);
    const adjoints = run([y]);
    expect(value(adjoints, x)).toBe(41);
    // Intermediate adjoints are dropped once used, unless kept.
    expect(adjoints.has(u)).toBe(false);
    expect(value(run([y], { keep: (t) => t === u || t.isLeaf }), u)).toBe(2);
  });

  it('adds the seeds of a root given twice, and of two roots sharing an input', () => {
    const x = leaf(1);
    const y = record('y', [x], [4]);
    expect(value(run([y, y]), x)).toBe(8);
    const z = record('z', [x], [10]);
    expect(value(run([y, z]), x)).toBe(14);
  });

  it('skips the nodes the plan prunes and the inputs it does not need', () => {
    const x = leaf(1);
    const w = leaf(1);
    const h = record('h', [x, w], [3, 100]);
    const y = record('y', [h], [2]);
    const nodes = reachableNodes([y]);
    const needs = planNeeds(nodes, new Set([x]));
    expect(needs).toEqual([[true], [true, false]]);
    expect(nodes.map((n) => n.op.name)).toEqual(['y', 'h']);
    const adjoints = run([y], { needs, keep: (t) => t === x });
    expect(value(adjoints, x)).toBe(6);
    expect(adjoints.has(w)).toBe(false);
    // A node leading only to other leaves is not needed at all.
    const side = record('side', [w], [1]);
    const y2 = record('y2', [y, side], [1, 1]);
    const nodes2 = reachableNodes([y2]);
    const plan2 = planNeeds(nodes2, new Set([x]));
    expect(nodes2.map((n, k) => [n.op.name, plan2[k] !== null])).toEqual([
      ['y2', true],
      ['side', false],
      ['y', true],
      ['h', true],
    ]);
  });

  it('releases each node it ran unless retainGraph, and refuses a released node on a needed path', () => {
    const x = leaf(1);
    const y = record('y', [x], [2]);
    run([y], { retainGraph: false });
    expect(y.gradFn!.released).toBe(true);
    const nodes = reachableNodes([y]);
    expect(() =>
      sweep({
        caller: 'gradients',
        nodes,
        needs: [[true]],
        seeds: [[y, new Tensor(Float64Array.of(1), [])]],
        keep: (t) => t === x,
        createGraph: false,
        retainGraph: true,
        anomaly: false,
        inPlace: true,
      }),
    ).toThrow(GradError);
  });

  it('refuses a vjp that returns the wrong number of gradients, naming the op', () => {
    const x = leaf(1);
    const y = record('twoForOne', [x], [1, 1]);
    expect(() => run([y])).toThrow(/'twoForOne': the vjp returned 2 gradient\(s\) for 1 input/);
  });

  it('orders nodes by descending id and visits each once', () => {
    const x = leaf(1);
    let t = x;
    for (let i = 0; i < 5; i++) t = record(`n${i}`, [t, t], [1, 1]);
    const nodes = reachableNodes([t]);
    expect(nodes.map((n) => n.op.name)).toEqual(['n4', 'n3', 'n2', 'n1', 'n0']);
    // Each node doubles the gradient: 2⁵.
    expect(value(run([t]), x)).toBe(32);
  });

  // The walk, the plan and the sweep against references written the plain way: a DFS with a seen
  // set and a sort, "leads to a target" by recursion, and ∂root/∂t by forward accumulation in
  // creation order. Integer factors keep every path sum exact in float64.
  it('agree with plain references on random DAGs (shared inputs, repeated inputs, kept intermediates)', () => {
    const dag = fc.record({
      leaves: fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
      ops: fc.array(fc.array(fc.tuple(fc.nat(), fc.constantFrom(1, 2, 3, -1)), { minLength: 1, maxLength: 3 }), {
        minLength: 1,
        maxLength: 14,
      }),
      picks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
    });
    fc.assert(
      fc.property(dag, ({ leaves, ops, picks }) => {
        const tensors = leaves.map((g) => leaf(1, g));
        const factorsOf = new Map<Tensor, number[]>();
        for (const [k, edges] of ops.entries()) {
          const inputs = edges.map(([i]) => tensors[i % tensors.length]!);
          const factors = edges.map(([, f]) => f);
          const out = inputs.some((t) => t.requiresGrad) ? record(`n${k}`, inputs, factors) : leaf(0, false);
          factorsOf.set(out, factors);
          tensors.push(out);
        }
        const root = tensors[tensors.length - 1]!;
        if (!root.requiresGrad) return;
        // reachableNodes: every node once, by descending id.
        const seen = new Set<Node>();
        const stack = [root.gradFn!];
        while (stack.length > 0) {
          const node = stack.pop()!;
          if (seen.has(node)) continue;
          seen.add(node);
          for (const t of node.inputs) if (t.gradFn !== null) stack.push(t.gradFn);
        }
        const nodes = reachableNodes([root]);
        expect(nodes).toEqual([...seen].sort((a, b) => b.id - a.id));
        // planNeeds for a few targets among the tensors that require grad.
        const candidates = tensors.filter((t) => t.requiresGrad);
        const targets = new Set(picks.map((i) => candidates[i % candidates.length]!));
        const leads = (t: Tensor): boolean =>
          targets.has(t) || (t.gradFn !== null && t.gradFn.inputs.some((u) => u.requiresGrad && leads(u)));
        const needs = planNeeds(nodes, targets);
        expect(needs).toEqual(
          nodes.map((n) => {
            const wants = n.inputs.map((t) => t.requiresGrad && leads(t));
            return wants.includes(true) ? wants : null;
          }),
        );
        // sweep: ∂root/∂target for each target, and nothing else kept.
        const adjoints = run([root], { needs, keep: (t) => targets.has(t) });
        expect([...adjoints.keys()].every((t) => targets.has(t))).toBe(true);
        for (const target of targets) {
          const d = new Map<Tensor, number>([[target, 1]]);
          for (const t of tensors) {
            const node = t.gradFn;
            if (node === null || t === target) continue;
            const factors = factorsOf.get(t)!;
            d.set(
              t,
              node.inputs.reduce((sum, u, i) => sum + factors[i]! * (d.get(u) ?? 0), 0),
            );
          }
          const dependsOn = (t: Tensor): boolean =>
            t === target || (t.gradFn !== null && t.gradFn.inputs.some((u) => dependsOn(u)));
          // A target the root does not depend on gets no adjoint; one it does gets the path sum.
          if (dependsOn(root)) expect(value(adjoints, target)).toBe(d.get(root));
          else expect(adjoints.has(target)).toBe(false);
        }
      }),
      { numRuns: 300, seed: 0x5eed },
    );
  });
});

/** A node of a built-in-like op (registered as defineOps registers the library's ops) whose vjp is `vjp`. */
function recordBuiltin(
  inputs: Tensor[],
  vjp: (g: Tensor, inputs: readonly Tensor[], output: Tensor) => (Tensor | null)[],
): Tensor {
  const { probe } = defineOps({
    probe: {
      forward: () => {
        throw new Error('hand-built nodes never run forward');
      },
      vjp: (g: Tensor, ctx: { inputs: readonly Tensor[]; output: Tensor }) => vjp(g, ctx.inputs, ctx.output),
      jvp: null,
    },
  } as never) as unknown as Record<string, OpSpec<void>>;
  const out = new Tensor(Float64Array.of(0), []);
  out._setNode(new Node(probe!, inputs, out, undefined, undefined));
  return out;
}

/** One sweep from `y`, seeded with a 1 the engine made (as backward's own seed is), keeping the leaves. */
const owning = (y: Tensor, overrides: Partial<Sweep> = {}): SweepResult =>
  sweepFrom([y], { seeds: [[y, new Tensor(Float64Array.of(1), []), true]], ...overrides });

const times = (g: Tensor, f: number): Tensor => new Tensor(Float64Array.of(g.data[0]! * f), []);

describe('which adjoints the sweep reports as held by nothing else', () => {
  it('a fresh gradient of a built-in op, summed in place with the next one', () => {
    const x = leaf(1);
    const y = recordBuiltin([x, x], (g) => [times(g, 2), times(g, 3)]);
    const { adjoints, owned } = owning(y);
    expect(value(adjoints, x)).toBe(5);
    expect(owned.has(adjoints.get(x)!)).toBe(true);
  });

  it('not the same fresh tensor handed to two inputs, nor an input or the output handed back, nor anything of a user-defined op', () => {
    const [a, b, c] = [leaf(1), leaf(2), leaf(3)];
    const shared = owning(
      recordBuiltin([a, b], (g) => {
        const h = times(g, 4);
        return [h, h];
      }),
    );
    expect(shared.adjoints.get(a)).toBe(shared.adjoints.get(b));
    expect(shared.owned.size).toBe(0);
    const handedBack = owning(recordBuiltin([c], (_g, [input]) => [input!]));
    expect(handedBack.adjoints.get(c)).toBe(c);
    expect(handedBack.owned.size).toBe(0);
    const output = owning(recordBuiltin([c], (_g, _inputs, out) => [out]));
    expect(output.owned.size).toBe(0);
    const custom = owning(record('custom', [a], [5]));
    expect(value(custom.adjoints, a)).toBe(5);
    expect(custom.owned.size).toBe(0);
  });

  it('the incoming gradient passed on to one input only, and only if the seed was the engine’s and is not kept', () => {
    const x = leaf(1);
    const passOn = (): Tensor => recordBuiltin([x], (g) => [g]);
    const once = owning(passOn());
    expect(once.owned.has(once.adjoints.get(x)!)).toBe(true);
    const y = passOn();
    const userSeed = owning(y, { seeds: [[y, new Tensor(Float64Array.of(1), [])]] });
    expect(value(userSeed.adjoints, x)).toBe(1);
    expect(userSeed.owned.size).toBe(0);
    const kept = owning(y, { keep: (t) => t === y || t.isLeaf });
    expect(kept.adjoints.get(x)).toBe(kept.adjoints.get(y));
    expect(kept.owned.size).toBe(0);
    const twice = owning(recordBuiltin([x, leaf(2)], (g) => [g, g]));
    expect(twice.owned.size).toBe(0);
  });

  it('nothing without inPlace', () => {
    const x = leaf(1);
    const { adjoints, owned } = owning(
      recordBuiltin([x, x], (g) => [times(g, 2), times(g, 3)]),
      { inPlace: false },
    );
    expect(value(adjoints, x)).toBe(5);
    expect(owned.size).toBe(0);
  });
});
