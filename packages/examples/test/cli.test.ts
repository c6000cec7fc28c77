import { PassThrough } from 'node:stream';
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  integer,
  nonNegativeNumber,
  oneOf,
  positiveInt,
  positiveNumber,
  requireInt,
  widthList,
} from '../src/cli/options.js';
import { createProgress, shouldShowProgress } from '../src/cli/progress.js';
import { OptionError } from '../src/errors.js';

describe('flag parsers', () => {
  it('accept good values and reject bad ones with a usage error', () => {
    expect(positiveInt('30')).toBe(30);
    expect(() => positiveInt('0')).toThrow(InvalidArgumentError);
    expect(() => positiveInt('2.5')).toThrow(InvalidArgumentError);
    expect(positiveNumber('3.0')).toBe(3);
    expect(() => positiveNumber('abc')).toThrow(InvalidArgumentError);
    expect(nonNegativeNumber('0')).toBe(0);
    expect(() => nonNegativeNumber('')).toThrow(InvalidArgumentError);
    expect(integer('-7')).toBe(-7);
    expect(widthList('100, 30')).toEqual([100, 30]);
    expect(() => widthList('30,,10')).toThrow(InvalidArgumentError);
    expect(oneOf(['quadratic', 'cross-entropy'] as const)('cross-entropy')).toBe('cross-entropy');
    expect(() => oneOf(['a', 'b'] as const)('c')).toThrow(/one of a \| b/);
    expect(() => requireInt('epochs', 0)).toThrow(OptionError);
    expect(formatDuration(1234)).toBe('1.23 s');
    expect(formatDuration(125_000)).toBe('2 min 05 s');
  });
});

describe('progress bar', () => {
  it('stays quiet under the test runner and draws nothing', () => {
    expect(shouldShowProgress()).toBe(false);
    const stream = new PassThrough() as unknown as NodeJS.WriteStream;
    let written = '';
    (stream as unknown as PassThrough).on('data', (c: Buffer) => (written += c.toString()));
    const bar = createProgress({ stream });
    bar.start(10, 'epoch 1/1', 10);
    bar.update(5);
    bar.stop();
    expect(written).toBe('');
  });
});
