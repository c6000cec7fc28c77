/** The shape of every measured figure, shared by the workloads, the progress lines and the report. */
import type { Figure } from './harness.js';

/** The workloads, in the order of the report (W1 matmul, W2 MLP training, W3 tape overhead, W4 conv net training). */
export const WORKLOAD_IDS = ['W1', 'W2', 'W3', 'W4'] as const;

/** One of {@link WORKLOAD_IDS}. */
export type WorkloadId = (typeof WORKLOAD_IDS)[number];

/** The other JavaScript libraries measured beside ours, in the order of the report's columns. */
export const PEERS = ['tfjs-cpu', 'tfjs-wasm', 'jax-js jit', 'jax-js eager'] as const;

/** One of {@link PEERS}. */
export type Peer = (typeof PEERS)[number];

/** One measured case: our figure for each of our variants, and each peer's, in one unit. */
export interface CaseResult {
  /** Workload id, e.g. 'W2'. */
  readonly workload: string;
  /** What was run, e.g. '[784, 30, 10] batch 10, float64'. */
  readonly label: string;
  /** Unit of the figures, e.g. 'samples/s'. */
  readonly unit: string;
  /** Whether larger figures are better (throughput) or smaller (time per op). */
  readonly higherIsBetter: boolean;
  /** Ours, one figure per variant (e.g. 'tape' and 'closed-form'), in the order measured. */
  readonly ours: readonly { readonly variant: string; readonly value: number }[];
  /** Each peer's figure, or the reason it has none. */
  readonly peers: Readonly<Record<Peer, Figure>>;
  /** Seconds jax-js's first call of the jitted function took (trace, compile, one run), if jitted. */
  readonly jitFirstCallSeconds: number | null;
}

/** The value of a figure, or null when it is missing. */
export function valueOf(f: Figure): number | null {
  return 'value' in f ? f.value : null;
}

/** Our figure: we never report a case without it, so a missing one is an error. */
export function oursValue(f: Figure, what: string): number {
  if ('missing' in f) throw new Error(`bench: our own ${what} failed: ${f.missing}`);
  return f.value;
}

/** ours ÷ theirs in the case's unit (so > 1 is better for throughput, < 1 for times). */
export function ratio(ours: number, theirs: Figure): number | null {
  const v = valueOf(theirs);
  return v === null || v === 0 ? null : ours / v;
}

/** A target from an issue: a bound on ours ÷ one peer, over some of our figures. */
export interface Target {
  readonly description: string;
  /** The peer of the ratio. */
  readonly peer: Peer;
  /** The (case, variant) figures it applies to (all must pass). */
  readonly rows: readonly { readonly result: CaseResult; readonly variant: string }[];
  /** The ratio each must reach: at least when higher is better, else at most. */
  readonly bound: number;
}

/** The ratios a target judges, in order (null where the peer has no figure). */
export function targetRatios(t: Target): (number | null)[] {
  return t.rows.map(({ result, variant }) => {
    const ours = result.ours.find((o) => o.variant === variant)!;
    return ratio(ours.value, result.peers[t.peer]);
  });
}

/** True when every figure of the target meets its bound (a missing peer figure does not). */
export function targetMet(t: Target): boolean {
  const qs = targetRatios(t);
  return (
    qs.length > 0 &&
    t.rows.every(({ result }, i) => {
      const q = qs[i];
      return q !== null && q !== undefined && (result.higherIsBetter ? q >= t.bound : q <= t.bound);
    })
  );
}
