/**
 * The op table: every built-in op, by name, gathered from its family file. The `satisfies`
 * clause is the check that keeps it whole: an {@link OpName} without its spec, or a spec without
 * its rules, does not compile.
 * @packageDocumentation
 */
import type { BuiltinOp } from './define.js';
import type { OpName } from './params.js';
import { ELEMENTWISE_OPS } from './elementwise.js';
import { REDUCE_OPS } from './reduce.js';
import { SOFTMAX_OPS } from './softmax.js';
import { MOVEMENT_OPS } from './movement.js';
import { SLICING_OPS } from './slicing.js';
import { GATHER_OPS } from './gather.js';
import { COMPARE_OPS } from './compare.js';
import { LINALG_OPS } from './linalg.js';
import { CAST_OPS } from './cast.js';
import { CONV_OPS } from './conv.js';

/** Every built-in op's spec (name, forward, vjp), keyed by its name. */
export const OPS = {
  ...ELEMENTWISE_OPS,
  ...REDUCE_OPS,
  ...SOFTMAX_OPS,
  ...MOVEMENT_OPS,
  ...SLICING_OPS,
  ...GATHER_OPS,
  ...COMPARE_OPS,
  ...LINALG_OPS,
  ...CAST_OPS,
  ...CONV_OPS,
} satisfies { readonly [K in OpName]: BuiltinOp<K> };
