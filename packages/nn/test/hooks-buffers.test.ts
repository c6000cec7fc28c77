/** Module hooks (forward and backward, through Module.call) and buffers (untrained state in stateDict). */
import { describe, expect, it } from 'vitest';
import { ArgumentError, Rng, Tensor, mul, randn, tensor } from '@tapegrad/autograd';
import {
  Linear,
  Module,
  Sequential,
  Sigmoid,
  stateDictFromJSON,
  stateDictToJSON,
  tapeBackprop,
  type BackpropContext,
  type LayerBackprop,
} from '@tapegrad/nn';

/** Counts its calls in a buffer; otherwise the identity. */
class Counter extends Module {
  readonly calls: Tensor;
  constructor() {
    super();
    this.calls = this.registerBuffer('calls', tensor([0]));
  }
  forward(x: Tensor): Tensor {
    this.calls.mutate_((d) => (d[0]! += 1));
    return x;
  }
  override backprop(deltaOut: Tensor, _context: BackpropContext): LayerBackprop {
    return { deltaIn: deltaOut, grads: {} };
  }
  describe(): string {
    return 'Counter';
  }
}

describe('buffers', () => {
  it('are saved in stateDict after the parameters, loaded back, and never trained', () => {
    const rng = new Rng(1);
    const net = new Sequential(new Linear(2, 3, { rng }), new Counter(), new Sigmoid());
    net.forward(randn([4, 2], { rng }));
    net.forward(randn([4, 2], { rng }));
    expect([...net.stateDict().keys()]).toEqual(['0.weight', '0.bias', '1.calls']);
    expect(net.stateDict().get('1.calls')!.toArray()).toEqual([2]);
    expect(net.namedBuffers().map(([n]) => n)).toEqual(['1.calls']);
    expect(net.parameters()).toHaveLength(2);
    const copy = new Sequential(new Linear(2, 3, { rng: new Rng(9) }), new Counter(), new Sigmoid());
    copy.loadStateDict(stateDictFromJSON(stateDictToJSON(net.stateDict())));
    expect((copy.at(1) as Counter).calls.toArray()).toEqual([2]);
    expect(Array.from((copy.at(0) as Linear).weight.data)).toEqual(Array.from((net.at(0) as Linear).weight.data));
  });

  it('refuses a tensor that requires grad and a name taken by a parameter', () => {
    class Bad extends Module {
      constructor(which: 'grad' | 'clash') {
        super();
        if (which === 'grad') this.registerBuffer('b', tensor([1], { requiresGrad: true }));
        else {
          const rng = new Rng(1);
          const lin = new Linear(1, 1, { rng });
          this.registerParameter('w', lin.weight);
          this.registerBuffer('w', tensor([1]));
        }
      }
      forward(x: Tensor): Tensor {
        return x;
      }
      describe(): string {
        return 'Bad';
      }
    }
    expect(() => new Bad('grad')).toThrow(/registerBuffer\('b'\): expected a Tensor that does not require grad/);
    expect(() => new Bad('clash')).toThrow(/'w' is already a parameter/);
  });
});

describe('hooks', () => {
  it('forward hooks see each stage of a Sequential and may replace its output; remove() stops them', () => {
    const rng = new Rng(2);
    const lin = new Linear(2, 2, { rng });
    const net = new Sequential(lin, new Sigmoid());
    const seen: number[][] = [];
    const handle = lin.registerForwardHook((m, input, output) => {
      expect(m).toBe(lin);
      seen.push([...input.shape, ...output.shape]);
      return mul(output, 0);
    });
    const x = randn([3, 2], { rng });
    expect(Array.from(net.forward(x).data)).toEqual(new Array(6).fill(0.5));
    expect(seen).toEqual([[3, 2, 3, 2]]);
    handle.remove();
    expect(Array.from(net.forward(x).data)).not.toEqual(new Array(6).fill(0.5));
    expect(() => lin.registerForwardHook(42 as never)).toThrow(ArgumentError);
  });

  it("backward hooks receive the tape's δ at the module's output (Nielsen's δ^l for a Linear stage)", () => {
    const rng = new Rng(3);
    const net = new Sequential(new Linear(2, 3, { rng }), new Sigmoid(), new Linear(3, 1, { rng }), new Sigmoid());
    const x = randn([4, 2], { rng });
    const y = randn([4, 1], { rng });
    const got: Tensor[] = [];
    net.at(0).registerBackwardHook((_m, g) => void got.push(g));
    const tape = tapeBackprop(net, x, y, { cost: 'quadratic', deltas: true });
    expect(got).toHaveLength(1);
    expect(Array.from(got[0]!.data)).toEqual(Array.from(tape.deltas.get('0')!.data));
  });
});
