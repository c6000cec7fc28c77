import type { BackpropComparison, Discrepancy } from './compare.js';

function sci(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v.toExponential(2);
}

function cells(d: Discrepancy | undefined): string[] {
  return d === undefined ? [] : [sci(d.maxAbs), sci(d.maxRel), d.passed ? 'ok' : 'FAIL'];
}

/**
 * Renders a tape-vs-closed-form comparison as an aligned text table: one row per layer and
 * quantity, the tape columns first and the finite-difference columns when they were computed.
 */
export function formatComparison(c: BackpropComparison): string {
  const withFd = c.layers.some((l) => l.delta.finiteDifferences !== undefined);
  const header = ['layer', 'quantity', 'shape', 'tape max abs', 'tape max rel', 'tape'];
  if (withFd) header.push('fd max abs', 'fd max rel', 'fd');
  const rows: string[][] = [header];
  for (const l of c.layers) {
    const items = [
      ['δ', l.delta],
      ['∂C/∂W', l.weight],
      ['∂C/∂b', l.bias],
    ] as const;
    for (const [name, q] of items) {
      rows.push([
        String(l.layer),
        name,
        `[${q.shape.join(', ')}]`,
        ...cells(q.tape),
        ...(withFd ? cells(q.finiteDifferences) : []),
      ]);
    }
  }
  const widths = header.map((_, j) => Math.max(...rows.map((r) => (r[j] ?? '').length)));
  const line = (r: string[]): string =>
    r
      .map((cell, j) => (j < 3 ? cell.padEnd(widths[j]!) : cell.padStart(widths[j]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const verdict = `${c.passed ? 'PASS' : 'FAIL'}: worst tape-vs-closed-form relative difference ${sci(c.worstRel)} (tolerance ${sci(c.tolerance)}); cost ${c.tape.cost}`;
  return [line(header), rule, ...rows.slice(1).map(line), verdict].join('\n');
}
