/**
 * How an op runs inside vmap: on batched tensors (tracers) of the innermost open vmap, the op's
 * batching rule runs once on the whole batch and the result is wrapped as a tracer again. Ops
 * without a rule (custom ops) run once per example and the results are stacked. Installed into
 * the vmap state when this module loads, so applyOp needs no import of it.
 * @packageDocumentation
 */
import type { Tensor } from '../tensor.js';
import { GradError } from '../errors.js';
import { formatShape } from '../shape.js';
import { type VmapLevel, vmapState } from '../tape/vmap-state.js';
import { BatchTracer } from '../tape/batch-tracer.js';
import { type OpSpec, applyOp } from './define.js';
import type { OpName } from './params.js';
import { OPS } from './table.js';
import { BATCH_RULES, type BatchRule } from './batch-rules.js';
import { reshape } from './movement.js';
import { slice, stack } from './slicing.js';

function innermost(inputs: readonly Tensor[]): VmapLevel | null {
  let level: VmapLevel | null = null;
  for (const x of inputs) {
    if (x instanceof BatchTracer && (level === null || x.level.id > level.id)) level = x.level;
  }
  return level;
}

/** A rule for ops without one: the op once per example, results stacked along the batch. */
const perExample: BatchRule<unknown> = (inputs, batched, params, { apply, size }) => {
  if (size === 0) {
    throw new GradError(
      'vmap: a custom op cannot run over an empty batch (its output shape is unknown); give it examples.',
    );
  }
  const outs: Tensor[] = [];
  for (let b = 0; b < size; b++) {
    outs.push(
      apply(
        inputs.map((x, i) => (batched[i] ? reshape(slice(x, [[b, b + 1]]), x.shape.slice(1)) : x)),
        params,
      ),
    );
  }
  return stack(outs, 0);
};

function ruleOf(spec: OpSpec<any>): BatchRule<any> {
  const name = spec.name as OpName;
  return OPS[name] === spec ? (BATCH_RULES[name] as BatchRule<any>) : perExample;
}

function applyBatched(spec: OpSpec<any>, inputs: readonly Tensor[], params: unknown): Tensor | null {
  const level = innermost(inputs);
  if (level === null) return null;
  if (!level.open) {
    throw new GradError(
      `vmap: '${spec.name}' got a batched tensor of a vmap call that has already returned; ` +
        `a tensor from inside a mapped function can only be used outside it through the function's return value.`,
    );
  }
  const physical = inputs.map((x) => (x instanceof BatchTracer && x.level === level ? x.inner : x));
  const batched = inputs.map((x) => x instanceof BatchTracer && x.level === level);
  const out = ruleOf(spec)(physical, batched, params, {
    size: level.size,
    apply: (ins, p) => applyOp(spec, ins, p),
  });
  if (out.shape[0] !== level.size) {
    throw new GradError(
      `vmap: the batching rule of '${spec.name}' returned shape ${formatShape(out.shape)}, whose first axis is not the batch of ${level.size}.`,
    );
  }
  return new BatchTracer(out, level);
}

vmapState.apply = applyBatched as typeof vmapState.apply;
