import type { QuantityComparison } from '@tapegrad/nn';
import type { ComparisonSummary } from './protocol.js';

/** "3.1e-16", or "0" for an exact match. */
function rel(v: number): string {
  return v === 0 ? '0' : v.toExponential(1);
}

/** A quantity's max rel, or "tape only" when the layer has no hand-derived backprop. */
function relOf(q: QuantityComparison | undefined): string {
  return q?.tape == null ? 'tape only' : rel(q.tape.maxRel);
}

/**
 * Renders the tape-vs-closed-form comparison of one batch into `root`: a pass/fail badge and a
 * table of the relative error per layer for δ^l, ∂C/∂W^l and ∂C/∂b^l, where the relative error
 * of a quantity is max|tape − closed form| / max|closed form|. The verdict is also written to
 * data attributes (data-status, data-worst-rel, data-layers) so tests read state, not pixels.
 */
export function renderComparison(root: HTMLElement, cmp: ComparisonSummary, step: number): void {
  const status = cmp.passed ? 'pass' : 'fail';
  root.dataset['status'] = status;
  root.dataset['worstRel'] = String(cmp.worstRel);
  root.dataset['layers'] = String(cmp.layers.length);
  root.dataset['checkedAtStep'] = String(step);
  const rows = cmp.layers
    .map(
      (c) =>
        `<tr><td>${c.layer}</td><td>${c.delta.shape.join('×')}</td><td>${relOf(c.delta)}</td><td>${relOf(c.params['weight'])}</td><td>${relOf(c.params['bias'])}</td></tr>`,
    )
    .join('');
  root.innerHTML =
    `<p><span class="badge ${status}">${status.toUpperCase()}</span> ` +
    `worst relative error <b>${rel(cmp.worstRel)}</b> (tolerance ${rel(cmp.tolerance)}), batch of step ${step}</p>` +
    `<table><thead>` +
    `<tr><th rowspan="2">l</th><th rowspan="2">Δ<sup>l</sup> shape</th><th colspan="3">relative error, tape vs closed form</th></tr>` +
    `<tr><th>δ<sup>l</sup></th><th>∂C/∂W<sup>l</sup></th><th>∂C/∂b<sup>l</sup></th></tr></thead>` +
    `<tbody>${rows}</tbody></table>` +
    `<p class="note">relative error = max |tape − closed form| / max |closed form| over the tensor</p>`;
}
