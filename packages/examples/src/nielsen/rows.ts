/**
 * The MNIST experiments of Nielsen's book that we reproduce, each with the procedure the book
 * gives and, where the book states one, its figure. Every figure below was checked against the
 * book's text (chapters 1 and 3 of "Neural Networks and Deep Learning"); where the book gives no
 * number (the scaled initialisation ends "somewhat over 96 percent"), `book` is absent and the
 * table shows our figure alone. Nothing here is tuned to hit a figure: these are the book's
 * hyper-parameters.
 */
import type { CostName } from '../common/costs.js';
import type { InitName } from '../mnist/inits.js';

/** Which 10,000 digits a row is scored on, as in the book. */
export type EvalSet = 'test' | 'validation';

/** The book's figure for a row and what exactly it measures. */
export interface BookFigure {
  /** Accuracy in percent, as printed in the book. */
  readonly percent: number;
  /** Where the book states it. */
  readonly source: string;
  /**
   * 'peak': the best epoch (chapter 1 says so, and takes the best of three runs); 'final': after
   * the last epoch (the book says "the final result"); 'unstated': the book gives the number
   * without saying which epoch, so we compare it with our final epoch.
   */
  readonly measure: 'peak' | 'final' | 'unstated';
}

/** One experiment: a network, its training procedure and the book's result. */
export interface NielsenRow {
  /** Short id used by `--rows`. */
  readonly id: string;
  /** What the row shows, for the table. */
  readonly title: string;
  /** Hidden widths; the network is [784, ...hidden, 10]. */
  readonly hidden: readonly number[];
  readonly cost: CostName;
  readonly init: InitName;
  /** Learning rate η. */
  readonly lr: number;
  /** L2 strength λ of (λ / 2n) Σ W², n = 50,000. */
  readonly lambda: number;
  readonly epochs: number;
  readonly batchSize: number;
  /** The set the book scores this experiment on. */
  readonly evalSet: EvalSet;
  /** The book's figure, when it states one. */
  readonly book?: BookFigure;
}

const CH1 = {
  cost: 'quadratic',
  init: 'normal',
  lr: 3.0,
  lambda: 0,
  epochs: 30,
  batchSize: 10,
  evalSet: 'test',
} as const;
const CH3 = {
  cost: 'cross-entropy',
  init: 'normal',
  lr: 0.5,
  lambda: 0,
  epochs: 30,
  batchSize: 10,
  evalSet: 'test',
} as const;

/** The rows, in the book's order. */
export const NIELSEN_ROWS: readonly NielsenRow[] = [
  {
    id: 'ch1-30',
    title: 'ch. 1: [784, 30, 10], quadratic cost, N(0, 1), η = 3.0',
    hidden: [30],
    ...CH1,
    book: { percent: 95.42, source: 'ch. 1 ("95.42 percent at its peak")', measure: 'peak' },
  },
  {
    id: 'ch1-100',
    title: 'ch. 1: [784, 100, 10], quadratic cost, N(0, 1), η = 3.0',
    hidden: [100],
    ...CH1,
    book: { percent: 96.59, source: 'ch. 1', measure: 'peak' },
  },
  {
    id: 'ch3-ce-30',
    title: 'ch. 3: [784, 30, 10], cross-entropy, N(0, 1), η = 0.5',
    hidden: [30],
    ...CH3,
    book: { percent: 95.49, source: 'ch. 3, "The cross-entropy cost function"', measure: 'unstated' },
  },
  {
    id: 'ch3-ce-100',
    title: 'ch. 3: [784, 100, 10], cross-entropy, N(0, 1), η = 0.5',
    hidden: [100],
    ...CH3,
    book: { percent: 96.82, source: 'ch. 3, "The cross-entropy cost function"', measure: 'unstated' },
  },
  {
    id: 'ch3-l2-30',
    title: 'ch. 3: [784, 30, 10], cross-entropy, L2 λ = 5.0, N(0, 1), η = 0.5',
    hidden: [30],
    ...CH3,
    lambda: 5.0,
    book: { percent: 96.49, source: 'ch. 3, "Regularization"', measure: 'unstated' },
  },
  {
    id: 'ch3-l2-100',
    title: 'ch. 3: [784, 100, 10], cross-entropy, L2 λ = 5.0, N(0, 1), η = 0.5',
    hidden: [100],
    ...CH3,
    lambda: 5.0,
    evalSet: 'validation',
    book: { percent: 97.92, source: 'ch. 3, "Regularization" ("the final result")', measure: 'final' },
  },
  {
    id: 'ch3-scaled-30',
    title: 'ch. 3: [784, 30, 10], cross-entropy, L2 λ = 5.0, N(0, 1/n_in), η = 0.1',
    hidden: [30],
    ...CH3,
    init: 'scaled',
    lr: 0.1,
    lambda: 5.0,
    evalSet: 'validation',
  },
];

/** The rows named by `ids` (all rows for 'all'); throws on an unknown id. */
export function pickRows(ids: readonly string[], onUnknown: (id: string) => never): NielsenRow[] {
  if (ids.length === 1 && ids[0] === 'all') return [...NIELSEN_ROWS];
  return ids.map((id) => NIELSEN_ROWS.find((r) => r.id === id) ?? onUnknown(id));
}
