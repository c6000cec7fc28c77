/**
 * The result types of the gradient checks and the element-by-element comparison behind them.
 * @packageDocumentation
 */
import { isClose, relativeError, toleranceExcess } from './allclose.js';

/** The worst-matching element of one input's Jacobian block. */
export interface WorstElement {
  /** Flat index into the input. */
  inputIndex: number;
  /** Which output tensor (0 when f returns a single tensor). */
  output: number;
  /** Flat index into that output. */
  outputIndex: number;
  /** ∂out/∂in from the tape. */
  analytic: number;
  /** ∂out/∂in from central differences. */
  numeric: number;
  /** |analytic − numeric|. */
  absError: number;
  /** |analytic − numeric| / |numeric| (Infinity when numeric is 0 and they differ). */
  relError: number;
}

/** The check of one input. */
export interface InputCheck {
  /** Position of the input in the argument list. */
  index: number;
  /** True when every element is within atol + rtol·|numeric|. */
  passed: boolean;
  /** The element with the largest error relative to its tolerance (null when the input has no elements). */
  worst: WorstElement | null;
  /** ‖a − n‖ / (‖a‖ + ‖n‖) over the whole block (0 when both are zero). */
  normRatio: number;
}

/** What {@link gradcheck} found. */
export interface GradcheckResult {
  /** True when every checked input passed. */
  passed: boolean;
  /** One entry per input that requires grad. */
  inputs: InputCheck[];
  /** A readable summary, one line per input. */
  format(): string;
}

/**
 * Accumulates analytic/numeric pairs of one input and keeps the element that exceeds its
 * tolerance the most, so that a failure points at one index rather than a whole block.
 */
export class BlockComparison {
  private passed = true;
  private worst: WorstElement | null = null;
  private worstExcess = -Infinity;
  private diff2 = 0;
  private a2 = 0;
  private n2 = 0;

  constructor(
    private readonly index: number,
    private readonly atol: number,
    private readonly rtol: number,
  ) {}

  /** Compares one Jacobian entry. */
  add(inputIndex: number, output: number, outputIndex: number, analytic: number, numeric: number): void {
    const absError = Math.abs(analytic - numeric);
    const excess = toleranceExcess(analytic, numeric, this.atol, this.rtol);
    if (!isClose(analytic, numeric, this.atol, this.rtol)) this.passed = false;
    this.diff2 += absError * absError;
    this.a2 += analytic * analytic;
    this.n2 += numeric * numeric;
    if (excess > this.worstExcess || this.worst === null) {
      this.worstExcess = excess;
      this.worst = {
        inputIndex,
        output,
        outputIndex,
        analytic,
        numeric,
        absError,
        relError: relativeError(analytic, numeric),
      };
    }
  }

  /** The summary of everything added. */
  result(): InputCheck {
    const denom = Math.sqrt(this.a2) + Math.sqrt(this.n2);
    const normRatio = denom === 0 ? 0 : Math.sqrt(this.diff2) / denom;
    return {
      index: this.index,
      passed: this.passed,
      worst: this.worst,
      normRatio: Number.isNaN(normRatio) ? Infinity : normRatio,
    };
  }
}

function formatWorst(w: WorstElement | null, multiOutput: boolean): string {
  if (w === null) return 'no elements';
  const out = multiOutput ? `output ${w.output}[${w.outputIndex}]` : `output[${w.outputIndex}]`;
  return (
    `worst at input[${w.inputIndex}] / ${out}: analytic ${w.analytic}, numeric ${w.numeric}, ` +
    `abs ${w.absError.toExponential(2)}, rel ${w.relError.toExponential(2)}`
  );
}

/** Wraps per-input checks into a {@link GradcheckResult}. */
export function makeResult(reports: InputCheck[], multiOutput: boolean, label = 'input'): GradcheckResult {
  return {
    passed: reports.every((r) => r.passed),
    inputs: reports,
    format: () =>
      reports
        .map(
          (r) =>
            `${label} ${r.index}: ${r.passed ? 'pass' : 'FAIL'}; ${formatWorst(r.worst, multiOutput)}; norm ratio ${r.normRatio.toExponential(2)}`,
        )
        .join('\n'),
  };
}
