/** W2 through our tape: forward with autograd ops, backward, SGD under noGrad. */
import { Tensor, add, matmul, mul, noGrad, sigmoid, sub, sum, type DType } from '@tapegrad/autograd';
import { LEARNING_RATE, type MlpInit, tensorOf } from './mlp-setup.js';

/** Our MLP trained through the tape: forward with autograd ops, backward, SGD under noGrad. */
export class TapeMlp {
  readonly weights: Tensor[];
  readonly biases: Tensor[];

  constructor(
    init: MlpInit,
    readonly sizes: readonly number[],
    dtype: DType,
  ) {
    this.weights = init.weights.map((w, l) => tensorOf(w, [sizes[l + 1]!, sizes[l]!], dtype, true));
    this.biases = init.biases.map((b, l) => tensorOf(b, [sizes[l + 1]!], dtype, true));
  }

  /** One SGD step on the batch (x: [B, in], y: [B, out]). */
  step(x: Tensor, y: Tensor): void {
    let a = x;
    for (let l = 0; l < this.weights.length; l++) {
      a = sigmoid(add(matmul(a, this.weights[l]!, { transposeB: true }), this.biases[l]!));
    }
    const d = sub(a, y);
    const cost = mul(sum(mul(d, d)), 0.5 / x.shape[0]!);
    cost.backward();
    noGrad(() => {
      for (const p of [...this.weights, ...this.biases]) {
        const g = p.grad!.data;
        p.mutate_((data) => {
          for (let i = 0; i < data.length; i++) data[i] = data[i]! - LEARNING_RATE * g[i]!;
        });
        p.grad = null;
      }
    });
  }
}
