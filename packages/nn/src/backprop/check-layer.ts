import {
  Tensor,
  ArgumentError,
  ShapeError,
  checkOptions,
  enableGrad,
  formatShape,
  gradients,
  noGrad,
  zeros,
} from '@tapegrad/autograd';
import { Module } from '../module.js';
import { allocLike, describeValue, expectTensor, shapesEqual } from '../util.js';
import { differenceAt, widened } from './finite-differences.js';
import { alignColumns } from './format.js';
import { checkLayerBackprop, hasBackprop } from './hand.js';
import { discrepancy, type Discrepancy } from './tolerance.js';

/** Options of {@link checkLayer}. */
export interface CheckLayerOptions {
  /** δ = ∂C/∂output to push back (default: a fixed pattern sin(1), sin(2), ... of the output's shape). */
  deltaOut?: Tensor;
  /** Also check against central finite differences of ⟨δ, layer(x)⟩ (default false). */
  finiteDifferences?: boolean;
  /** Pass/fail threshold on the max relative difference to the tape (default 1e-12 in float64, 1e-5 in float32). */
  tolerance?: number;
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Finite-difference absolute tolerance (default 1e-5, PyTorch's gradcheck). */
  atol?: number;
  /** Finite-difference relative tolerance (default 1e-3, PyTorch's gradcheck). */
  rtol?: number;
}

/** One checked quantity of a layer: ∂C/∂input or one parameter's gradient. */
export interface QuantityCheck {
  /** `∂C/∂input` or `∂C/∂<parameter name>`. */
  readonly name: string;
  /** The tensor's shape. */
  readonly shape: readonly number[];
  /** Hand-derived against the tape's vjp of the forward. */
  readonly tape: Discrepancy;
  /** Hand-derived against central differences, when requested. */
  readonly finiteDifferences?: Discrepancy;
}

/** The quantity of a {@link LayerCheck} furthest from the tape. */
export interface WorstQuantity {
  /** Its name, e.g. `∂C/∂weight`. */
  readonly quantity: string;
  /** Its comparison with the tape, worst element included. */
  readonly check: Discrepancy;
}

/** What {@link checkLayer} found. */
export interface LayerCheck {
  /** The layer, as it labels itself. */
  readonly layer: string;
  /** True when every quantity passed every check made. */
  readonly passed: boolean;
  /** The tolerance of the tape comparison. */
  readonly tolerance: number;
  /** ∂C/∂input first, then each parameter. */
  readonly quantities: readonly QuantityCheck[];
  /** The quantity furthest from the tape, with its worst element (null when the layer has nothing to compare). */
  readonly worst: WorstQuantity | null;
  /** A table of the quantities and, on failure, the worst element with both values. */
  format(): string;
}

const KEYS = ['deltaOut', 'finiteDifferences', 'tolerance', 'eps', 'atol', 'rtol'] as const;

function defaultDelta(like: Tensor): Tensor {
  // Deterministic and varied in sign and size; no Rng needed, nothing drawn.
  const data = allocLike(like);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i + 1);
  return new Tensor(data, like.shape);
}

function option(name: string, v: number | undefined, fallback: number, positive = false): number {
  if (v === undefined) return fallback;
  if (!(positive ? v > 0 && Number.isFinite(v) : v >= 0)) {
    throw new ArgumentError(
      `checkLayer: ${name} must be ${positive ? 'a finite number > 0' : '≥ 0'}, got ${describeValue(v)}.`,
    );
  }
  return v;
}

/**
 * Checks one layer's hand-derived `backprop` alone: runs `layer.forward(x)` once, then compares
 * the layer's ∂C/∂input and ∂C/∂p for δ = `deltaOut` with the tape's vjp of that forward (and,
 * optionally, with central differences of ⟨δ, layer(x)⟩). Reports max abs and max rel per
 * quantity and the worst element, so a wrong derivation names what is wrong and where.
 */
export function checkLayer(layer: Module, x: Tensor, options: CheckLayerOptions = {}): LayerCheck {
  checkOptions('checkLayer', options, KEYS);
  if (!(layer instanceof Module))
    throw new ArgumentError(`checkLayer: expected a Module, got ${describeValue(layer)}.`);
  expectTensor('checkLayer', 'x', x);
  if (!hasBackprop(layer)) {
    throw new ArgumentError(
      `checkLayer: ${layer.label()} has no backprop(deltaOut, {input, output}) to check; implement it on the module first.`,
    );
  }
  const params = layer.namedParameters();
  const float32 = x.dtype === 'float32' || params.some(([, p]) => p.dtype === 'float32');
  const tolerance = option('tolerance', options.tolerance, float32 ? 1e-5 : 1e-12);
  const eps = option('eps', options.eps, 1e-6, true);
  const atol = option('atol', options.atol, 1e-5);
  const rtol = option('rtol', options.rtol, 1e-3);

  const input = x.detach();
  input.requiresGrad = true;
  const output = enableGrad(() => layer.forward(input));
  const saved = layer.takeSaved();
  const deltaOut =
    options.deltaOut === undefined ? defaultDelta(output) : expectTensor('checkLayer', 'deltaOut', options.deltaOut);
  if (!shapesEqual(deltaOut.shape, output.shape)) {
    throw new ShapeError(
      `checkLayer: deltaOut has shape ${formatShape(deltaOut.shape)} but ${layer.label()} outputs ${formatShape(output.shape)}; δ has the output's shape.`,
    );
  }
  const targets = [input, ...params.map(([, p]) => p)];
  const found = output.requiresGrad
    ? gradients(output, targets, { gradOutputs: [deltaOut], allowUnused: true })
    : targets.map(() => null);
  const tapeValues = targets.map((t, i) => found[i] ?? zeros(t.shape, { dtype: t.dtype }));
  const step = noGrad(() =>
    checkLayerBackprop(
      layer,
      layer.backprop!(deltaOut, { input: input.detach(), output: output.detach(), saved, needsDeltaIn: true }),
      input,
      true,
    ),
  );
  const handValues = [step.deltaIn!, ...params.map(([name]) => step.grads[name]!)];
  const names = ['∂C/∂input', ...params.map(([name]) => `∂C/∂${name}`)];

  let numeric: Tensor[] | null = null;
  if (options.finiteDifferences === true) {
    numeric = noGrad(() => {
      const x64 = widened(x).clone();
      const probe = (): number => {
        const o = layer.forward(x64);
        layer.takeSaved();
        let s = 0;
        for (let i = 0; i < o.size; i++) s += deltaOut.data[i]! * o.data[i]!;
        return s;
      };
      return [x64, ...params.map(([, p]) => p)].map((t) => {
        const out = new Float64Array(t.size);
        for (let i = 0; i < out.length; i++) out[i] = differenceAt(t.data, i, eps, probe);
        return new Tensor(out, t.shape);
      });
    });
  }

  const quantities: QuantityCheck[] = names.map((name, i) => ({
    name,
    shape: tapeValues[i]!.shape,
    tape: discrepancy(handValues[i]!, tapeValues[i]!, tolerance),
    ...(numeric === null ? {} : { finiteDifferences: discrepancy(handValues[i]!, numeric[i]!, rtol, atol) }),
  }));
  let worst: WorstQuantity | null = null;
  for (const q of quantities) {
    if (worst === null || q.tape.maxRel > worst.check.maxRel || Number.isNaN(q.tape.maxRel))
      worst = { quantity: q.name, check: q.tape };
  }
  const passed = quantities.every((q) => q.tape.passed && (q.finiteDifferences?.passed ?? true));
  const result: LayerCheck = {
    layer: layer.label(),
    passed,
    tolerance,
    quantities,
    worst,
    format: () => formatLayerCheck(result),
  };
  return result;
}

function formatLayerCheck(c: LayerCheck): string {
  const withFd = c.quantities.some((q) => q.finiteDifferences !== undefined);
  const header = ['quantity', 'shape', 'tape max abs', 'tape max rel', 'tape'];
  if (withFd) header.push('fd max abs', 'fd max rel', 'fd');
  const sci = (v: number): string => (Number.isNaN(v) ? 'NaN' : v.toExponential(2));
  const cells = (d: Discrepancy): string[] => [sci(d.maxAbs), sci(d.maxRel), d.passed ? 'ok' : 'FAIL'];
  const rows = [
    header,
    ...c.quantities.map((q) => [
      q.name,
      `[${q.shape.join(', ')}]`,
      ...cells(q.tape),
      ...(withFd && q.finiteDifferences ? cells(q.finiteDifferences) : []),
    ]),
  ];
  const lines = [`checkLayer ${c.layer}`, ...alignColumns(rows, 2)];
  const failed = c.quantities.filter((q) => !q.tape.passed || q.finiteDifferences?.passed === false);
  for (const q of failed) {
    const d = !q.tape.passed ? q.tape : q.finiteDifferences!;
    const against = !q.tape.passed ? 'tape' : 'finite differences';
    if (d.worst !== null) {
      lines.push(
        `${q.name} is wrong: worst at [${d.worst.index.join(', ')}], hand-derived ${d.worst.actual} vs ${against} ${d.worst.expected}`,
      );
    }
  }
  const rel =
    c.worst === null
      ? 'nothing to compare'
      : `worst relative difference ${sci(c.worst.check.maxRel)} in ${c.worst.quantity}`;
  lines.push(`${c.passed ? 'PASS' : 'FAIL'}: ${rel} (tolerance ${sci(c.tolerance)})`);
  return lines.join('\n');
}
