import { Tensor, reshape } from '@tapegrad/autograd';
import { Module, type BackpropContext, type LayerBackprop } from '../module.js';
import { expectTensor } from '../util.js';

/**
 * Flattens every sample to one row: [N, ...] → [N, product of the rest], the bridge from
 * feature maps to a fully connected layer (Nielsen's chapter 6 net between its pooling layer
 * and its 100 neurons).
 */
export class Flatten extends Module {
  /** x as [N, features]. */
  forward(x: Tensor): Tensor {
    const t = expectTensor(this.label(), 'input', x);
    return reshape(t, [t.shape[0] ?? 1, -1]);
  }

  /** Flattening moves no value, so δ only takes the input's shape back. */
  override backprop(deltaOut: Tensor, { input }: BackpropContext): LayerBackprop {
    return { deltaIn: reshape(deltaOut, input.shape), grads: {} };
  }

  /** `Flatten`. */
  describe(): string {
    return 'Flatten';
  }
}
