/**
 * W2, second implementation of ours: the @tapegrad/nn network trained with its closed-form
 * backprop (BP1–BP4, no tape) and its SGD, from the same initial parameters as the tape path.
 */
import { Rng, noGrad, type DType, type Tensor } from '@tapegrad/autograd';
import { SGD, mlp, trainStep, type DenseLayer, type MLP } from '@tapegrad/nn';
import { LEARNING_RATE, type MlpInit } from './mlp-setup.js';

/** An nn MLP whose step is nn's trainStep with the closed-form backprop and SGD. */
export class ClosedFormMlp {
  private readonly net: MLP;
  private readonly layers: readonly DenseLayer[];
  private readonly optimizer: SGD;

  constructor(init: MlpInit, sizes: readonly number[], dtype: DType) {
    this.net = mlp(sizes, { rng: new Rng(0), dtype });
    this.layers = this.net.layers();
    // Overwrite nn's own initialisation with the parameters every implementation starts from.
    noGrad(() => {
      this.layers.forEach(({ linear }, l) => {
        linear.weight.mutate_((d) => d.set(init.weights[l]!));
        linear.bias.mutate_((d) => d.set(init.biases[l]!));
      });
    });
    this.optimizer = new SGD(this.net, { lr: LEARNING_RATE });
  }

  /** One SGD step with the closed-form gradients of the quadratic cost (mean over the batch). */
  step(x: Tensor, y: Tensor): void {
    trainStep(this.net, this.optimizer, x, y, { cost: 'quadratic', backprop: 'closed-form' });
  }

  /** Weights then biases, layer by layer, as float64 copies (the order TapeMlp uses). */
  snapshot(): Float64Array[] {
    return [
      ...this.layers.map(({ linear }) => Float64Array.from(linear.weight.data)),
      ...this.layers.map(({ linear }) => Float64Array.from(linear.bias.data)),
    ];
  }
}
