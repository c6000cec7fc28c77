/**
 * vmap's state, read by applyOp on every op: how many vmap calls are open (0 keeps the check to
 * one comparison), and how an op runs on batched tensors (installed by ops/batching.ts, so the op
 * layer imports nothing of vmap).
 * @packageDocumentation
 */
import type { Tensor } from '../tensor.js';

/** One vmap call: its batch size, and whether it is still running. */
export interface VmapLevel {
  /** Increases with nesting: the innermost open vmap has the largest id. */
  readonly id: number;
  readonly size: number;
  open: boolean;
}

/** How an op runs on tracers; installed by ops/batching.ts, so the op layer needs no import of it. */
type BatchedApply = (spec: { readonly name: string }, inputs: readonly Tensor[], params: unknown) => Tensor | null;

/** How many vmap calls are open (0 keeps applyOp's check to one comparison), and the dispatcher. */
// Shared by every build of the package in this process (see process.ts), like the other modes.
export const vmapState: { depth: number; apply: BatchedApply | null } = ((
  globalThis as unknown as Record<symbol, { depth: number; apply: BatchedApply | null } | undefined>
)[Symbol.for('tapegrad.autograd.vmapState')] ??= { depth: 0, apply: null });
