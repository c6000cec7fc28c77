/** The shape of every measured figure, shared by the workloads, the console and BENCHMARKS.md. */

/** One line of a results table: our figure beside TensorFlow.js's on each backend. */
export interface ResultRow {
  /** Workload id, e.g. 'W1'. */
  readonly workload: string;
  /** What was run, e.g. 'n=256, float64 (tfjs: float32)'. */
  readonly label: string;
  /** Unit of the figures, e.g. 'GFLOP/s'. */
  readonly unit: string;
  /** Whether larger figures are better (throughput) or smaller (time per op). */
  readonly higherIsBetter: boolean;
  /** Our figure. */
  readonly ours: number;
  /** TensorFlow.js on its cpu backend, or null if not run. */
  readonly cpu: number | null;
  /** TensorFlow.js on its wasm backend, or null if unavailable. */
  readonly wasm: number | null;
}

/** ours ÷ theirs in the row's unit (so > 1 is better for throughput, < 1 for times). */
export function ratio(ours: number, theirs: number | null): number | null {
  return theirs === null || theirs === 0 ? null : ours / theirs;
}

/** A target from the brief, checked against one row's ratio to tfjs-cpu. */
export interface Target {
  readonly description: string;
  /** The rows it applies to (all must pass). */
  readonly rows: readonly ResultRow[];
  /** The ratio (ours ÷ tfjs-cpu) each row must reach: at least when higherIsBetter, else at most. */
  readonly bound: number;
}

/** True when every row of the target meets its bound. */
export function targetMet(t: Target): boolean {
  return (
    t.rows.length > 0 &&
    t.rows.every((r) => {
      const q = ratio(r.ours, r.cpu);
      return q !== null && (r.higherIsBetter ? q >= t.bound : q <= t.bound);
    })
  );
}
