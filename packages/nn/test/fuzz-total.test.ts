/** The fuzz budget per run, over both packages, asserted so that a shrinking suite is noticed. */
import { expect, it } from 'vitest';
import { AUTOGRAD_FUZZ, AUTOGRAD_FUZZ_TOTAL, NN_FUZZ, NN_FUZZ_TOTAL } from '../../../test-support/fuzz-budget.js';

it('runs at least 10,000 generated fuzz cases per test run', () => {
  const total = AUTOGRAD_FUZZ_TOTAL + NN_FUZZ_TOTAL;
  console.log(
    `fuzz cases per run: ${total} (autograd ${AUTOGRAD_FUZZ_TOTAL} over ${Object.keys(AUTOGRAD_FUZZ).length} properties, ` +
      `nn ${NN_FUZZ_TOTAL} over ${Object.keys(NN_FUZZ).length} properties)`,
  );
  expect(total).toBeGreaterThanOrEqual(10_000);
});
