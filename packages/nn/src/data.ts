import { Tensor, Rng, ArgumentError, ShapeError, formatShape, checkOptions } from '@tapegrad/autograd';
import { allocLike, expectPositiveInt } from './util.js';

/** The rows `indices` of `t` (first axis), copied into a new tensor that does not require grad. */
export function takeRows(t: Tensor, indices: ArrayLike<number>): Tensor {
  if (t.ndim === 0) throw new ShapeError(`takeRows: a scalar has no rows; pass a tensor of shape [n, ...].`);
  const n = t.shape[0]!;
  const width = n === 0 ? 0 : t.size / n;
  const out = allocLike(t, indices.length * width);
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r]!;
    if (!Number.isInteger(i) || i < 0 || i >= n)
      throw new ArgumentError(`takeRows: row index ${i} is out of range for ${n} rows.`);
    out.set(t.data.subarray(i * width, (i + 1) * width), r * width);
  }
  return new Tensor(out, [indices.length, ...t.shape.slice(1)]);
}

/** Options of {@link batches}. */
export interface BatchOptions {
  /** Rows per batch; 1 is online learning. */
  batchSize: number;
  /** Shuffle before batching (required when `shuffle` is true, the default). */
  rng?: Rng;
  /** Draw rows in a seeded random order (default true); false keeps the data order. */
  shuffle?: boolean;
  /** Drop a final batch smaller than `batchSize` (default false). */
  dropLast?: boolean;
}

/** One mini-batch. */
export interface Batch {
  /** The inputs, [b, ...]. */
  readonly x: Tensor;
  /** The targets, [b, ...]. */
  readonly y: Tensor;
  /** Which rows of the full data these are. */
  readonly indices: Int32Array;
}

/**
 * Splits 0..n−1 into consecutive batches after an optional seeded shuffle: every row is drawn
 * exactly once per pass (sampling without replacement, as in the SGD of Nielsen's chapter 1).
 */
export function batchIndices(n: number, given: BatchOptions): Int32Array[] {
  const options = checkOptions('batches', given, ['batchSize', 'rng', 'shuffle', 'dropLast']);
  const size = expectPositiveInt('batches', 'batchSize', options.batchSize);
  const shuffle = options.shuffle ?? true;
  if (shuffle && !(options.rng instanceof Rng)) {
    throw new ArgumentError(
      'batches: shuffling needs a seeded generator; pass { rng: new Rng(seed) } or { shuffle: false }.',
    );
  }
  const order = shuffle ? Int32Array.from(options.rng!.permutation(n)) : Int32Array.from({ length: n }, (_, i) => i);
  const out: Int32Array[] = [];
  for (let start = 0; start < n; start += size) {
    const chunk = order.subarray(start, Math.min(n, start + size));
    if (chunk.length < size && options.dropLast) break;
    out.push(chunk);
  }
  return out;
}

/** Mini-batches of (x, y) rows, see {@link batchIndices}. x and y must have the same number of rows. */
export function* batches(x: Tensor, y: Tensor, options: BatchOptions): Generator<Batch> {
  checkRows('batches', x, y);
  for (const indices of batchIndices(x.shape[0]!, options))
    yield { x: takeRows(x, indices), y: takeRows(y, indices), indices };
}

/** Options of {@link trainTestSplit}. */
export interface SplitOptions {
  /** The seeded generator for the split (required). */
  rng: Rng;
  /** Fraction of rows (per class when stratified) that go to the test set (default 0.2). */
  testFraction?: number;
  /** Keep class proportions equal in both sets (default true). Classes come from y: labels [n], one-hot rows [n, k], or a 0/1 column [n, 1]. */
  stratify?: boolean;
}

/** The two halves of a split, with the row indices each came from. */
export interface Split {
  /** Training inputs. */
  readonly xTrain: Tensor;
  /** Training targets. */
  readonly yTrain: Tensor;
  /** Test inputs. */
  readonly xTest: Tensor;
  /** Test targets. */
  readonly yTest: Tensor;
  /** Rows of the original data in the training set, ascending. */
  readonly trainIndices: Int32Array;
  /** Rows of the original data in the test set, ascending. */
  readonly testIndices: Int32Array;
}

/** The class of each row of y, for stratification. */
function rowClasses(y: Tensor): Int32Array {
  const n = y.shape[0]!;
  if (y.ndim === 1) {
    return Int32Array.from(y.data, (v, i) => {
      if (!Number.isInteger(v) || v < 0)
        throw new ArgumentError(
          `trainTestSplit: label ${i} is ${v}; stratifying needs non-negative integer class labels.`,
        );
      return v;
    });
  }
  const k = y.size / n;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (k === 1) out[i] = y.data[i]! >= 0.5 ? 1 : 0;
    else {
      let best = 0;
      for (let j = 1; j < k; j++) if (y.data[i * k + j]! > y.data[i * k + best]!) best = j;
      out[i] = best;
    }
  }
  return out;
}

/**
 * A seeded train/test split; stratified by default, so each class contributes
 * round(count · testFraction) rows to the test set. Both index lists are sorted.
 */
export function trainTestSplit(x: Tensor, y: Tensor, given: SplitOptions): Split {
  const options = checkOptions('trainTestSplit', given, ['rng', 'testFraction', 'stratify']);
  checkRows('trainTestSplit', x, y);
  if (!(options?.rng instanceof Rng))
    throw new ArgumentError('trainTestSplit: pass { rng: new Rng(seed) }; the split is seeded.');
  const fraction = options.testFraction ?? 0.2;
  if (!(fraction >= 0 && fraction <= 1))
    throw new ArgumentError(`trainTestSplit: testFraction must be in [0, 1], got ${fraction}.`);
  const n = x.shape[0]!;
  const groups = new Map<number, number[]>();
  const classes = (options.stratify ?? true) ? rowClasses(y) : new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = classes[i]!;
    const g = groups.get(c);
    if (g === undefined) groups.set(c, [i]);
    else g.push(i);
  }
  const test: number[] = [];
  const train: number[] = [];
  for (const c of [...groups.keys()].sort((a, b) => a - b)) {
    const rows = options.rng.shuffle(groups.get(c)!);
    const k = Math.round(rows.length * fraction);
    test.push(...rows.slice(0, k));
    train.push(...rows.slice(k));
  }
  const trainIndices = Int32Array.from(train).sort();
  const testIndices = Int32Array.from(test).sort();
  return {
    xTrain: takeRows(x, trainIndices),
    yTrain: takeRows(y, trainIndices),
    xTest: takeRows(x, testIndices),
    yTest: takeRows(y, testIndices),
    trainIndices,
    testIndices,
  };
}

function checkRows(where: string, x: Tensor, y: Tensor): void {
  if (!(x instanceof Tensor) || !(y instanceof Tensor)) throw new ArgumentError(`${where}: x and y must be Tensors.`);
  if (x.ndim === 0 || y.ndim === 0 || x.shape[0] !== y.shape[0]) {
    throw new ShapeError(
      `${where}: x ${formatShape(x.shape)} and y ${formatShape(y.shape)} must have the same number of rows (first dimension).`,
    );
  }
}
