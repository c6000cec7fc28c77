import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ArgumentError, Tensor } from '@tapegrad/autograd';
import { parseIdx, readIdx } from '../src/data/idx.js';
import {
  IMAGE_SIZE,
  MNIST_FILES,
  NIELSEN_SPLIT,
  accuracy,
  loadMnistSplit,
  mnistDataDir,
  spreadRows,
} from '../src/data/mnist.js';
import { MnistDataError, OptionError } from '../src/errors.js';

/** The bytes of an IDX file of unsigned bytes with the given dimensions and values. */
function idxBytes(dims: readonly number[], values: ArrayLike<number>, type = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + values.length);
  const view = new DataView(out.buffer);
  out[2] = type;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(Array.from(values), 4 + 4 * dims.length);
  return out;
}

describe('IDX reader', () => {
  it('reads any shape back: dimensions from the big-endian header, bytes row-major', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), (dims) => {
        const n = dims.reduce((a, b) => a * b, 1);
        const values = Array.from({ length: n }, (_, i) => (i * 37) % 256);
        const r = parseIdx(idxBytes(dims, values), 'gen');
        expect(r.dims).toEqual(dims);
        expect(Array.from(r.data)).toEqual(values);
      }),
    );
    // A dimension above 255 needs more than the low byte of its uint32.
    expect(parseIdx(idxBytes([300, 1], new Uint8Array(300)), 'big').dims).toEqual([300, 1]);
  });

  it('names the file and the problem for every corruption', () => {
    const good = idxBytes([2, 3], [1, 2, 3, 4, 5, 6]);
    const cases: [Uint8Array, RegExp][] = [
      [good.subarray(0, 3), /f: is 3 bytes long, too short for the 4-byte magic number/],
      [Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0]), /f: is gzip-compressed/],
      [Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0]), /f: magic number 50 4b 03 04 is not an IDX header/],
      [idxBytes([2], [1, 2], 0x42), /magic number 00 00 42 01/],
      [idxBytes([2], new Uint8Array(8), 0x0d), /holds float32 values \(type 0xd\); only unsigned bytes/],
      [idxBytes([], []), /declares 0 dimensions/],
      [good.subarray(0, 9), /truncated inside its header: 2 dimensions need 12 header bytes, the file has 9/],
      [good.subarray(0, good.length - 1), /truncated: dimensions \[2, 3\] need 6 data bytes, the file has 5/],
      [Uint8Array.from([...good, 7, 7]), /has 2 bytes beyond the 6 that dimensions \[2, 3\] describe/],
    ];
    for (const [bytes, message] of cases) {
      expect(() => parseIdx(bytes, 'f'), String(message)).toThrow(MnistDataError);
      expect(() => parseIdx(bytes, 'f'), String(message)).toThrow(message);
    }
    // Dimensions whose product passes 2^53 are still a clean truncation error.
    const huge = idxBytes([0xffffffff, 0xffffffff, 0xffffffff], []);
    expect(() => parseIdx(huge, 'f')).toThrow(/truncated: dimensions/);
    expect(() => readIdx('/nonexistent/t10k-images-idx3-ubyte')).toThrow(
      /IDX file \/nonexistent\/t10k-images-idx3-ubyte: cannot be read/,
    );
  });

  it('reads a file from disk as a view over its bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapegrad-idx-'));
    writeFileSync(join(dir, 'a'), idxBytes([3], [9, 8, 7]));
    const r = readIdx(join(dir, 'a'));
    expect(r.file).toBe(join(dir, 'a'));
    expect(Array.from(r.data)).toEqual([9, 8, 7]);
  });
});

describe("MNIST, Nielsen's split", () => {
  it('reads the four IDX files: 50,000 / 10,000 / 10,000, pixels k/255, one-hot targets, known labels', () => {
    const { train, validation, test } = loadMnistSplit({ dtype: 'float32' });
    expect([train.size, validation.size, test.size]).toEqual([50_000, 10_000, 10_000]);
    expect(train.x.shape).toEqual([50_000, IMAGE_SIZE]);
    expect(train.x.data).toBeInstanceOf(Float32Array);
    expect(train.y.shape).toEqual([50_000, 10]);
    // The first labels of LeCun's training and test files, and the first of the held-out 10,000.
    expect(Array.from(train.labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(Array.from(test.labels.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    const raw = readIdx(join(mnistDataDir(), MNIST_FILES.trainLabels)).data;
    expect(validation.labels[0]).toBe(raw[NIELSEN_SPLIT.train]);
    expect(validation.labels[9_999]).toBe(raw[59_999]);
    const pixels = readIdx(join(mnistDataDir(), MNIST_FILES.trainImages)).data;
    for (const i of [0, 152, 153, 39_200_000 - 1, 39_200_000 + 500]) {
      const value = i < train.x.size ? train.x.data[i] : validation.x.data[i - train.x.size];
      expect(value).toBe(Math.fround(pixels[i]! / 255));
    }
    for (const set of [train, validation, test]) {
      for (let r = 0; r < set.size; r += 997) {
        const row = Array.from(set.y.data.subarray(r * 10, r * 10 + 10));
        expect(row.reduce((a, b) => a + b, 0)).toBe(1);
        expect(row[set.labels[r]!]).toBe(1);
      }
      // Every digit occurs, in roughly MNIST's proportions.
      for (let d = 0; d < 10; d++) expect(set.labels.filter((l) => l === d).length / set.size).toBeGreaterThan(0.08);
    }
  });

  it('takes the first rows of each set under a limit, in float64 by default', () => {
    const { train, validation, test } = loadMnistSplit({ limit: 6000 });
    expect([train.size, validation.size, test.size]).toEqual([5000, 1000, 1000]);
    expect(train.x.data).toBeInstanceOf(Float64Array);
    expect(Array.from(test.labels.subarray(0, 3))).toEqual([7, 2, 1]);
    expect(train.x.data[152]).toBe(3 / 255);
    expect(() => loadMnistSplit({ limit: 5 })).toThrow(OptionError);
    expect(() => loadMnistSplit({ limit: 1000, dtype: 'int8' as never })).toThrow(OptionError);
    expect(() => loadMnistSplit({ limt: 1000 } as never)).toThrow(ArgumentError);
    expect(() => loadMnistSplit({ limt: 1000 } as never)).toThrow(/did you mean 'limit'/);
  });

  it('refuses files that do not belong together, with the file named', () => {
    const real = mnistDataDir();
    const make = (files: Partial<Record<keyof typeof MNIST_FILES, Uint8Array>>): string => {
      const dir = mkdtempSync(join(tmpdir(), 'tapegrad-mnist-'));
      for (const [key, name] of Object.entries(MNIST_FILES) as [keyof typeof MNIST_FILES, string][]) {
        const bytes = files[key];
        if (bytes) writeFileSync(join(dir, name), bytes);
        else symlinkSync(join(real, name), join(dir, name));
      }
      return dir;
    };
    const tinyImages = idxBytes([2, 28, 28], new Uint8Array(2 * 784));
    expect(() => loadMnistSplit({ dir: make({ testImages: idxBytes([2, 28, 27], new Uint8Array(2 * 756)) }) })).toThrow(
      /t10k-images-idx3-ubyte: expected images of shape \[n, 28, 28\], the header says \[2, 28, 27\]/,
    );
    expect(() => loadMnistSplit({ dir: make({ testImages: tinyImages }) })).toThrow(
      /holds 2 images but .*t10k-labels-idx1-ubyte holds 10000 labels/,
    );
    expect(() => loadMnistSplit({ dir: make({ testImages: tinyImages, testLabels: idxBytes([2], [3, 10]) }) })).toThrow(
      /t10k-labels-idx1-ubyte: label 1 is 10; digits are 0–9/,
    );
    expect(() => loadMnistSplit({ dir: make({ testImages: tinyImages, testLabels: idxBytes([2], [3, 4]) }) })).toThrow(
      /Nielsen's split needs MNIST's 60000 training and 10000 test digits; the files hold 60000 and 2/,
    );
    const truncated = readIdx(join(real, MNIST_FILES.testLabels));
    const bytes = idxBytes(truncated.dims, truncated.data).subarray(0, 5000);
    expect(() => loadMnistSplit({ dir: make({ testLabels: bytes }) })).toThrow(
      /t10k-labels-idx1-ubyte: is truncated: dimensions \[10000\] need 10000 data bytes, the file has 4992/,
    );
  });
});

describe('spreadRows and accuracy', () => {
  it('spreads a fixed sample over the set and counts argmax hits', () => {
    const { test } = loadMnistSplit({ limit: 1200 });
    const probe = spreadRows(test, 50);
    expect(probe.x.shape).toEqual([50, IMAGE_SIZE]);
    expect(probe.labels[1]).toBe(test.labels[4]);
    expect(Array.from(probe.x.data.subarray(IMAGE_SIZE, 2 * IMAGE_SIZE))).toEqual(
      Array.from(test.x.data.subarray(4 * IMAGE_SIZE, 5 * IMAGE_SIZE)),
    );
    const out = new Tensor(new Float64Array([0.1, 0.9, 0.8, 0.2, 0.3, 0.7]), [3, 2]);
    expect(accuracy(out, new Int32Array([1, 0, 0]))).toBeCloseTo(2 / 3);
  });
});
