import type { Module } from '../module.js';
import { Activation } from '../layers/activations.js';

/**
 * A layer as reports name it: one stage with the elementwise activations that follow it, as in
 * Nielsen's a^l = σ(z^l). δ is reported at the stage's own output (z^l for a Linear layer), so a
 * dense network reads layer by layer as the book writes it.
 */
export interface LayerGroup {
  /** l, 1-based. */
  readonly layer: number;
  /** The index of the stage whose output δ is reported at. */
  readonly stage: number;
  /** The indices of every stage in the layer (the stage and its activations). */
  readonly stages: readonly number[];
  /** The stage's module path, e.g. `'2'`. */
  readonly path: string;
  /** E.g. `Linear(2 → 3) + Sigmoid`. */
  readonly description: string;
}

/** Groups a Sequential's stages into layers: an elementwise Activation joins the stage before it. */
export function layerGroups(stages: readonly Module[]): LayerGroup[] {
  const groups: { stage: number; stages: number[] }[] = [];
  stages.forEach((m, i) => {
    const previous = groups[groups.length - 1];
    if (m instanceof Activation && previous !== undefined) previous.stages.push(i);
    else groups.push({ stage: i, stages: [i] });
  });
  return groups.map((g, l) => ({
    layer: l + 1,
    stage: g.stage,
    stages: g.stages,
    path: stages[g.stage]!.path,
    description: g.stages.map((i) => stages[i]!.describe()).join(' + '),
  }));
}
