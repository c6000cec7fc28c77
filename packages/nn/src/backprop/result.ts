import type { Tensor } from '@tapegrad/autograd';

/**
 * The gradients of one batch, however they were computed (tape, hand-derived closed form, finite
 * differences): one result type keyed by parameter.
 */
export interface BackpropResult {
  /** C on the batch, L2 term included. */
  readonly cost: number;
  /**
   * ∂C/∂p keyed by the parameter's state-dict name (`'0.weight'`), in the model's parameter
   * order, each in its parameter's dtype. A parameter the cost does not depend on is absent from
   * a tape result.
   */
  readonly grads: ReadonlyMap<string, Tensor>;
  /**
   * ∂C/∂(output of stage s) keyed by the stage's name in the Sequential (`'0'`, `'1'`, ...): δ^l
   * at z^l for the Linear stage of layer l. Holds the batch cost's own ∂C, so under a 'mean' cost
   * a row is the sample's δ divided by m. Empty when deltas were not asked for.
   */
  readonly deltas: ReadonlyMap<string, Tensor>;
  /** Each stage's output (z^l, a^l, ...) keyed like `deltas`; empty when the forward was not traced. */
  readonly outputs: ReadonlyMap<string, Tensor>;
}
