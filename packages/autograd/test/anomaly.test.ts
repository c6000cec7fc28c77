import { afterEach, describe, expect, it } from 'vitest';
import {
  AnomalyError,
  detectAnomaly,
  log,
  setAnomalyEnabled,
  sqrt,
  sum,
  tensor,
  exp,
  gradients,
  isAnomalyEnabled,
} from '@tapegrad/autograd';

afterEach(() => setAnomalyEnabled(false));

function catchAnomaly(fn: () => unknown): AnomalyError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AnomalyError);
    return e as AnomalyError;
  }
  throw new Error('expected an AnomalyError');
}

describe('anomaly mode', () => {
  it('names log for log(x − 2) at x = 1, with input shapes, ranges and the user call site', () => {
    const x = tensor([1], { requiresGrad: true });
    const err = catchAnomaly(() => detectAnomaly(() => log(x.sub(2))));
    expect(err.message).toMatch(/^anomaly: 'log' produced NaN/);
    expect(err.message).toMatch(/input 0: shape \[1\] float64, min -1, max -1/);
    const site = err.message.split('called at:')[1]!;
    // The first reported frame is this test file, not the library's op wrappers.
    expect(site.trim().split('\n')[0]).toMatch(/anomaly\.test\.ts/);
    expect(site).not.toMatch(/autograd[/\\]src/);
  });

  it('blames the op that turned finite inputs into Infinity, not the ops after it', () => {
    const x = tensor([1, 800], { requiresGrad: true });
    const err = catchAnomaly(() => detectAnomaly(() => sum(exp(x).mul(2))));
    expect(err.message).toMatch(/'exp' produced Infinity at flat index 1 of its output \[2\]/);
  });

  it('reports a leaf that already holds NaN as bad data', () => {
    const x = tensor([1, NaN]);
    const err = catchAnomaly(() => detectAnomaly(() => x.add(1)));
    expect(err.message).toMatch(/input 0 of 'add' is a leaf tensor .*NaN at flat index 1/);
  });

  it('checks gradients in backward, naming the forward op and where it ran', () => {
    const x = tensor([0, 4], { requiresGrad: true });
    const err = catchAnomaly(() =>
      detectAnomaly(() => {
        const y = sum(sqrt(x)); // finite forward, but d√x/dx = ∞ at 0
        return gradients(y, x);
      }),
    );
    expect(err.message).toMatch(/the gradient of 'sqrt' \(node \d+\) for input 0 has Infinity at flat index 0/);
    expect(err.message).toMatch(/the forward 'sqrt' was called at:\n\s+at .*anomaly\.test\.ts/);
  });

  it('is scoped by detectAnomaly and off by default', () => {
    expect(isAnomalyEnabled()).toBe(false);
    expect(log(tensor([-1])).data[0]).toBeNaN();
    detectAnomaly(() => expect(isAnomalyEnabled()).toBe(true));
    expect(isAnomalyEnabled()).toBe(false);
    setAnomalyEnabled(true);
    expect(() => log(tensor([-1]))).toThrow(AnomalyError);
  });
});
