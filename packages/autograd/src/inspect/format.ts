/**
 * Text and Graphviz renderings of the tape, for reading, diffing and inline snapshots.
 * @packageDocumentation
 */
import type { Tensor } from '../tensor.js';
import { formatShape } from '../shape.js';
import { type TapeEntry, type TapeOptions, listTape } from './tape.js';

/** The op's parameters as its spec describes them ('' when there is nothing to add or the node was released). */
function paramsOf(e: TapeEntry): string {
  const node = e.tensor.gradFn;
  if (e.kind !== 'op' || e.released || node === null) return '';
  return node.op.describeParams?.(node.params, node.inputs) ?? '';
}

function describe(e: TapeEntry): string {
  if (e.kind === 'op') {
    if (e.released) return `${e.op}(released)`;
    const params = paramsOf(e);
    return `${e.op}(${e.inputs.map((i) => `%${i}`).join(', ')}${params ? `; ${params}` : ''})`;
  }
  if (e.name !== null) return `leaf ${e.name}`;
  // Unnamed one-element constants are almost always literals such as the 2 in x.mul(2): show the value.
  if (!e.requiresGrad && e.tensor.size === 1) return `const ${e.tensor.data[0]}`;
  return e.requiresGrad ? 'leaf' : 'const';
}

function annotate(e: TapeEntry): string {
  const notes: string[] = [];
  if (e.kind === 'leaf' && e.requiresGrad) notes.push('requires grad');
  if (e.kind === 'op' && e.name !== null) notes.push(e.name);
  if (e.isOutput) notes.push('output');
  return notes.length ? `  (${notes.join(', ')})` : '';
}

/**
 * The tape as text, one line per entry: `%id = op(%inputs; parameters)  shape dtype  (notes)`,
 * where the parameters are those the shapes do not tell (`axes [1], keepdims`, `transposeB`,
 * `min 0`). Ids are local to the listing, so the text is stable across runs and suits inline
 * snapshots.
 *
 * @example
 * formatTape(loss, { names: { x, w } })
 * // %0 = leaf x       [3]  float64
 * // %1 = leaf w       [3]  float64  (requires grad)
 * // %2 = mul(%0, %1)  [3]  float64
 * // %3 = sum(%2)      []   float64  (output)
 */
export function formatTape(outputs: Tensor | readonly Tensor[], options?: TapeOptions): string {
  const entries = listTape('formatTape', outputs, options);
  const left = entries.map((e) => `%${e.id} = ${describe(e)}`);
  const shapes = entries.map((e) => formatShape(e.shape));
  const w1 = Math.max(...left.map((s) => s.length));
  const w2 = Math.max(...shapes.map((s) => s.length));
  return entries.map((e, i) => `${left[i]!.padEnd(w1)}  ${shapes[i]!.padEnd(w2)}  ${e.dtype}${annotate(e)}`).join('\n');
}

/** Escapes text for a double-quoted DOT string. */
function escapeDot(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/**
 * The tape as a Graphviz DOT digraph (render with `dot -Tsvg`): ops as boxes, leaves as ellipses
 * (filled when they require grad), outputs with a double border, edges from inputs to the ops that
 * read them, labelled with the argument position when an op has several inputs.
 */
export function toDot(outputs: Tensor | readonly Tensor[], options?: TapeOptions): string {
  const entries = listTape('toDot', outputs, options);
  const lines = [
    'digraph tape {',
    '  rankdir=TB;',
    '  node [fontname="monospace", fontsize=10];',
    '  edge [fontsize=8];',
  ];
  for (const e of entries) {
    const params = paramsOf(e);
    const op = params ? `${e.op}(${params})` : e.op;
    const title =
      e.kind === 'op' ? (e.name !== null ? `${op} (${e.name})` : op) : describe(e).replace(/^leaf ?/, '') || 'leaf';
    // \n inside a DOT string is a line break in the rendered label.
    const label = `"${escapeDot(title)}\\n${formatShape(e.shape)} ${e.dtype}"`;
    const attrs = [`label=${label}`, `shape=${e.kind === 'op' ? 'box' : 'ellipse'}`];
    if (e.kind === 'leaf' && e.requiresGrad) attrs.push('style=filled', 'fillcolor="#dbeafe"');
    if (e.isOutput) attrs.push('peripheries=2');
    lines.push(`  n${e.id} [${attrs.join(', ')}];`);
  }
  for (const e of entries) {
    e.inputs.forEach((from, pos) => {
      lines.push(`  n${from} -> n${e.id}${e.inputs.length > 1 ? ` [label="${pos}"]` : ''};`);
    });
  }
  lines.push('}');
  return lines.join('\n');
}
