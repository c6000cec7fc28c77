import type { BackpropComparison } from './compare.js';
import type { Discrepancy } from './tolerance.js';

function sci(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v.toExponential(2);
}

function cells(d: Discrepancy | null | undefined, missing: string): string[] {
  return d == null ? ['', '', missing] : [sci(d.maxAbs), sci(d.maxRel), d.passed ? 'ok' : 'FAIL'];
}

/** Pads the cells of `rows` into columns: the first `left` columns left-aligned, the rest right-aligned. */
export function alignColumns(rows: readonly string[][], left: number): string[] {
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => (r[j] ?? '').length)));
  const line = (r: readonly string[]): string =>
    r
      .map((cell, j) => (j < left ? cell.padEnd(widths[j]!) : cell.padStart(widths[j]!)))
      .join('  ')
      .trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
}

/**
 * Renders a tape-vs-hand-derived comparison as an aligned text table: one row per layer and
 * quantity (the layer named on its first row by number, module path and modules), the tape
 * columns first and the finite-difference columns when they were computed.
 */
export function formatComparison(c: BackpropComparison): string {
  const withFd = c.layers.some((l) => l.quantities.some((q) => q.finiteDifferences !== undefined));
  const header = ['layer', 'quantity', 'shape', 'tape max abs', 'tape max rel', 'tape'];
  if (withFd) header.push('fd max abs', 'fd max rel', 'fd');
  const rows: string[][] = [header];
  for (const l of c.layers) {
    l.quantities.forEach((q, k) => {
      rows.push([
        k === 0 ? `${l.layer} '${l.path}' ${l.description}` : '',
        q.name,
        `[${q.shape.join(', ')}]`,
        ...cells(q.tape, 'tape only'),
        ...(withFd ? cells(q.finiteDifferences, '') : []),
      ]);
    });
  }
  const verdict = `${c.passed ? 'PASS' : 'FAIL'}: worst tape-vs-hand-derived relative difference ${sci(c.worstRel)} (tolerance ${sci(c.tolerance)}); cost ${c.tape.cost}`;
  return [...alignColumns(rows, 3), verdict].join('\n');
}
