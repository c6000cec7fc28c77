import { describe, expect, it } from 'vitest';
import { clamp, matmul, sigmoid, sum, tensor, formatTape, tapeNodes, toDot } from '@tapegrad/autograd';

function smallNet() {
  const x = tensor([
    [0.5, -1],
    [2, 0.25],
  ]);
  const W = tensor(
    [
      [0.1, 0.2],
      [0.3, 0.4],
      [0.5, 0.6],
    ],
    { requiresGrad: true },
  );
  const b = tensor([0.1, 0.2, 0.3], { requiresGrad: true });
  const a = sigmoid(matmul(x, W, { transposeB: true }).add(b)); // a = σ(x Wᵀ + b), W of shape [out, in]
  const loss = sum(a.mul(a)).mul(0.5);
  return { x, W, b, a, loss };
}

describe('tape inspection', () => {
  it('lists a small net as text (snapshot)', () => {
    const { x, W, b, loss } = smallNet();
    expect(formatTape(loss, { names: { x, W, b } })).toMatchInlineSnapshot(`
      "%0 = leaf x                      [2, 2]  float64
      %1 = leaf W                      [3, 2]  float64  (requires grad)
      %2 = matmul(%0, %1; transposeB)  [2, 3]  float64
      %3 = leaf b                      [3]     float64  (requires grad)
      %4 = add(%2, %3)                 [2, 3]  float64
      %5 = sigmoid(%4)                 [2, 3]  float64
      %6 = mul(%5, %5)                 [2, 3]  float64
      %7 = sum(%6)                     []      float64
      %8 = const 0.5                   []      float64
      %9 = mul(%7, %8)                 []      float64  (output)"
    `);
  });

  it('gives the nodes as data, in recording order, leaves before their first use', () => {
    const { x, W, b, a, loss } = smallNet();
    const nodes = tapeNodes(loss, { names: { x, W, b, a } });
    expect(nodes.map((n) => n.op)).toEqual([
      'leaf',
      'leaf',
      'matmul',
      'leaf',
      'add',
      'sigmoid',
      'mul',
      'sum',
      'leaf',
      'mul',
    ]);
    expect(nodes.find((n) => n.op === 'add')!.inputs).toEqual([2, 3]);
    const ids = nodes.map((n) => n.id);
    expect(ids).toEqual(nodes.map((_, i) => i));
    for (const n of nodes) for (const i of n.inputs) expect(i).toBeLessThan(n.id);
    const ops = nodes.filter((n) => n.kind === 'op');
    const nodeIds = ops.map((n) => n.nodeId!);
    expect(nodeIds).toEqual([...nodeIds].sort((p, q) => p - q));
    const sig = nodes.find((n) => n.op === 'sigmoid')!;
    expect(sig.name).toBe('a');
    expect(sig.shape).toEqual([2, 3]);
    expect(sig.dtype).toBe('float64');
    expect(nodes.find((n) => n.name === 'W')).toMatchObject({ kind: 'leaf', requiresGrad: true, shape: [3, 2] });
    expect(nodes.at(-1)!.isOutput).toBe(true);
  });

  it('marks nodes released by a backward pass', () => {
    const { loss } = smallNet();
    loss.backward();
    expect(tapeNodes(loss).at(-1)!.released).toBe(true);
    expect(formatTape(loss)).toMatch(/mul\(released\)/);
  });

  it('exports Graphviz DOT with ops as boxes, leaves as ellipses and input edges', () => {
    const { x, W, b, loss } = smallNet();
    const dot = toDot(loss, { names: { x, W, b } });
    expect(dot.startsWith('digraph tape {')).toBe(true);
    expect(dot.trimEnd().endsWith('}')).toBe(true);
    expect(dot).toMatch(/n0 \[label="x\\n\[2, 2\] float64", shape=ellipse\];/);
    expect(dot).toMatch(/\[label="W\\n\[3, 2\] float64", shape=ellipse, style=filled/);
    expect(dot).toMatch(/\[label="sigmoid\\n\[2, 3\] float64", shape=box\]/);
    expect(dot).toMatch(/peripheries=2/);
    const edges = dot.split('\n').filter((l) => l.includes('->'));
    const entries = tapeNodes(loss);
    expect(edges).toHaveLength(entries.reduce((s, e) => s + e.inputs.length, 0));
  });

  it('prints the parameters the shapes do not tell: transposes, axes, keepdims, clamp bounds', () => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 8],
      ],
      { requiresGrad: true },
    );
    const w = tensor([[1, -1]], { requiresGrad: true });
    const z = matmul(x, w, { transposeB: true });
    const y = sum(clamp(z, 0), { axis: 0, keepdims: true });
    const text = formatTape(y, { names: { x, w } });
    expect(text).toMatch(/%2 = matmul\(%0, %1; transposeB\)\s+\[4, 1\]/);
    expect(text).toMatch(/clamp\(%2; min 0\)/);
    expect(text).toMatch(/sum\(%3; axes \[0\], keepdims\)\s+\[1, 1\]/);
    expect(toDot(y)).toMatch(/label="matmul\(transposeB\)\\n\[4, 1\] float64"/);
  });

  it('lists a leaf output as a single entry', () => {
    const t = tensor([1, 2], { requiresGrad: true });
    expect(formatTape(t)).toBe('%0 = leaf  [2]  float64  (requires grad, output)');
  });
});
