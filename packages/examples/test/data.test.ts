import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Tensor } from '@tapegrad/autograd';
import { IMAGE_SIZE, accuracy, loadDigitFile, loadMnistDigits, splitPerDigit } from '../src/data/mnist.js';
import { MnistDataError, OptionError } from '../src/errors.js';

const digits = loadMnistDigits();

describe('MNIST digit files', () => {
  it('holds 10,000 validated digits, pixels in [0, 1]', () => {
    expect(digits.map((d) => d.digit)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(digits.reduce((s, d) => s + d.count, 0)).toBe(10_000);
    for (const d of digits) {
      expect(d.pixels.length).toBe(d.count * IMAGE_SIZE);
      expect(Math.max(...d.pixels.subarray(0, 5 * IMAGE_SIZE))).toBeLessThanOrEqual(1);
    }
  });

  it('rejects malformed files with a named error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapegrad-mnist-'));
    const bad = (name: string, body: string): string => {
      const p = join(dir, name);
      writeFileSync(p, body);
      return p;
    };
    expect(() => loadDigitFile(bad('a.json', '{"data": [0, 1, 0.5]}'), 3)).toThrow(MnistDataError);
    expect(() => loadDigitFile(bad('b.json', JSON.stringify({ data: Array(784).fill(2) })), 3)).toThrow(/pixel 0 is 2/);
    expect(() => loadDigitFile(bad('c.json', '{"pixels": []}'), 3)).toThrow(/no "data" array/);
    expect(() => loadDigitFile(bad('d.json', 'not json'), 3)).toThrow(MnistDataError);
  });
});

describe('per-digit split', () => {
  it('puts the first 80% of each digit in train, the rest in test, with one-hot targets', () => {
    const { train, test } = splitPerDigit(digits);
    expect(train.size + test.size).toBe(10_000);
    expect(train.x.shape).toEqual([train.size, IMAGE_SIZE]);
    expect(train.y.shape).toEqual([train.size, 10]);
    digits.forEach((d) => {
      const nTrain = train.labels.filter((l) => l === d.digit).length;
      expect(nTrain).toBe(Math.floor(d.count * 0.8));
      expect(test.labels.filter((l) => l === d.digit).length).toBe(d.count - nTrain);
    });
    // First training row is the first image of digit 0, byte for byte.
    expect(Array.from(train.x.data.subarray(0, IMAGE_SIZE))).toEqual(
      Array.from(digits[0]!.pixels.subarray(0, IMAGE_SIZE)),
    );
    for (let r = 0; r < test.size; r += 97) {
      const row = Array.from(test.y.data.subarray(r * 10, r * 10 + 10));
      expect(row.reduce((a, b) => a + b, 0)).toBe(1);
      expect(row[test.labels[r]!]).toBe(1);
    }
  });

  it('is deterministic and keeps class balance under a limit', () => {
    const a = splitPerDigit(digits, { limit: 1000 });
    const b = splitPerDigit(digits, { limit: 1000 });
    expect(a.train.size + a.test.size).toBeGreaterThanOrEqual(995);
    expect(a.train.size + a.test.size).toBeLessThanOrEqual(1005);
    expect(Array.from(a.train.labels)).toEqual(Array.from(b.train.labels));
    for (let d = 0; d < 10; d++) expect(a.test.labels.includes(d)).toBe(true);
    expect(() => splitPerDigit(digits, { limit: 5 })).toThrow(OptionError);
    expect(() => splitPerDigit(digits, { trainFraction: 1 })).toThrow(OptionError);
  });
});

describe('accuracy', () => {
  it('counts rows whose argmax is the label', () => {
    const out = new Tensor(new Float64Array([0.1, 0.9, 0.8, 0.2, 0.3, 0.7]), [3, 2]);
    expect(accuracy(out, new Int32Array([1, 0, 0]))).toBeCloseTo(2 / 3);
  });
});
