import { Tensor, Rng, ArgumentError, checkOptions, mul } from '@tapegrad/autograd';
import { Module, type BackpropContext, type LayerBackprop } from '../module.js';
import { allocLike, describeValue, expectTensor } from '../util.js';

/** Options of {@link Dropout}. */
export interface DropoutOptions {
  /** The seeded generator the masks are drawn from (required: randomness is never implicit). */
  rng: Rng;
}

/**
 * Inverted dropout (Nielsen's chapter 3): in training mode each input is kept with probability
 * 1 − p and scaled by 1/(1 − p), so the expected activation is unchanged and evaluation needs no
 * rescaling; in `eval()` mode the layer is the identity. Masks come from the given seeded Rng, so
 * the same seed drops the same units.
 */
export class Dropout extends Module {
  private readonly rng: Rng;

  /** @param p the probability of dropping each unit, in [0, 1). */
  constructor(
    readonly p: number,
    options: DropoutOptions,
  ) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p < 1)) {
      throw new ArgumentError(
        `Dropout: p must be a probability in [0, 1), got ${describeValue(p)}; p = 1 would drop every unit.`,
      );
    }
    const o = checkOptions(`Dropout(${p})`, options, ['rng']);
    if (!(o.rng instanceof Rng)) {
      throw new ArgumentError(
        `Dropout(${p}): pass { rng: new Rng(seed) }; dropout masks are drawn from an explicit seeded generator.`,
      );
    }
    this.rng = o.rng;
  }

  /**
   * x ⊙ mask, with mask entries 0 (probability p) or 1/(1 − p), in training mode; x itself in
   * evaluation mode. The mask is saved for the backprop.
   */
  forward(x: Tensor): Tensor {
    const t = expectTensor(this.label(), 'input', x);
    if (!this.training || this.p === 0) return t;
    const mask = allocLike(t);
    const keep = 1 / (1 - this.p);
    for (let i = 0; i < mask.length; i++) mask[i] = this.rng.uniform() < this.p ? 0 : keep;
    const m = new Tensor(mask, t.shape);
    this.saveForBackprop(m);
    return mul(t, m);
  }

  /** δ flows only through the kept units, scaled like them: δ ⊙ mask (δ itself in evaluation mode). */
  override backprop(deltaOut: Tensor, { saved }: BackpropContext<Tensor>): LayerBackprop {
    return { deltaIn: saved === undefined ? deltaOut : mul(deltaOut, saved), grads: {} };
  }

  /** `Dropout(p)`. */
  describe(): string {
    return `Dropout(${this.p})`;
  }
}
