/** W2 in TensorFlow.js (float32), trained with its SGD optimizer. */
import { tf } from '../tfjs.js';
import { LEARNING_RATE, type MlpInit } from './mlp-setup.js';

/** The same MLP in TensorFlow.js (float32), trained with its SGD optimizer. */
export class TfMlp {
  readonly weights: tf.Variable[];
  readonly biases: tf.Variable[];
  private readonly optimizer = tf.train.sgd(LEARNING_RATE);

  constructor(init: MlpInit, sizes: readonly number[]) {
    this.weights = init.weights.map((w, l) =>
      tf.variable(tf.tensor2d(Float32Array.from(w), [sizes[l + 1]!, sizes[l]!])),
    );
    this.biases = init.biases.map((b) => tf.variable(tf.tensor1d(Float32Array.from(b))));
  }

  /** One SGD step on the batch. */
  step(x: tf.Tensor2D, y: tf.Tensor2D): void {
    this.optimizer.minimize(
      () => {
        let a: tf.Tensor2D = x;
        for (let l = 0; l < this.weights.length; l++) {
          a = tf.sigmoid(tf.add(tf.matMul(a, this.weights[l]!, false, true), this.biases[l]!)) as tf.Tensor2D;
        }
        const d = tf.sub(a, y);
        return tf.mul(tf.sum(tf.mul(d, d)), 0.5 / x.shape[0]) as tf.Scalar;
      },
      false,
      [...this.weights, ...this.biases],
    );
  }

  /** Frees the variables and the optimizer. */
  dispose(): void {
    for (const v of [...this.weights, ...this.biases]) v.dispose();
    this.optimizer.dispose();
  }
}
