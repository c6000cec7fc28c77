/**
 * The messages between the page and its training worker. Training runs in a Web Worker so that a
 * slow step never blocks the page; the page asks for one frame of steps at a time and draws what
 * comes back, so it never has more than one request in flight.
 */
import type { BackpropComparison } from '@tapegrad/nn';
import type { TrainerSettings } from './trainer.js';

/** The tape-vs-closed-form verdict without its tensors, so it can cross to the page. */
export type ComparisonSummary = Pick<BackpropComparison, 'layers' | 'passed' | 'worstRel' | 'tolerance'>;

/** From the page to the worker. `generation` counts resets; replies to an older one are stale. */
export type ToWorker =
  | { readonly type: 'reset'; readonly generation: number; readonly settings: TrainerSettings }
  | { readonly type: 'learning-rate'; readonly lr: number }
  | { readonly type: 'frame'; readonly generation: number; readonly steps: number; readonly compare: boolean };

/** The state of the net after a reset or a frame. */
export interface Snapshot {
  /** SGD steps taken since the reset. */
  readonly steps: number;
  /** Completed passes over the data. */
  readonly epoch: number;
  /** Cost on all points. */
  readonly loss: number;
  /** Accuracy on all points. */
  readonly accuracy: number;
  /** The net's output on a GRID × GRID raster over [−1, 1]², row-major from the top-left. */
  readonly grid: Float64Array;
  /** The comparison on the latest batch, when the page asked for one. */
  readonly comparison: ComparisonSummary | null;
}

/** From the worker to the page. */
export type FromWorker =
  | {
      readonly type: 'reset';
      readonly generation: number;
      /** The data points, [n, 2] row-major, and their 0/1 labels. */
      readonly points: Float64Array;
      readonly labels: Float64Array;
      /** Number of layers L (hidden layers + output). */
      readonly layers: number;
      readonly snapshot: Snapshot;
    }
  | {
      readonly type: 'frame';
      readonly generation: number;
      /** Mean |δ^l| per sample and layer, averaged over the frame's steps. */
      readonly meanAbsDelta: number[];
      readonly snapshot: Snapshot;
    }
  | { readonly type: 'error'; readonly generation: number; readonly message: string };

/** Side of the raster the decision boundary is drawn from. */
export const GRID = 64;
