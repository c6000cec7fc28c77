/**
 * How a product's output is cut into tasks for the worker pool.
 *
 * Each task runs the module's gemm on one rectangle of C, packing its own panels of op(A) and
 * op(B): a task of r rows and c columns packs r·k elements of op(A) per 256-column block and
 * k·c of op(B). Cutting rows makes every task pack all of op(B), cutting columns all of op(A), so
 * the grid is chosen to keep the largest task's multiply-adds plus packing least.
 */

/** Output rows of the module's micro-kernel (a task's rows are a multiple of it). */
const PANEL_ROWS = 4;
/** Output columns of a float32 micro-kernel tile, a multiple of float64's 4 (so both dtypes fit). */
const PANEL_COLS = 8;
/** Width of the module's packed op(B) block: op(A) is packed again for each block. */
const BLOCK_COLS = 256;
/**
 * Cost of packing one element against one multiply-add: packing is a scalar load and store,
 * while the micro-kernel does 4 float32 (2 float64) multiply-adds per vector instruction.
 */
const PACK_WEIGHT = { f32: 4, f64: 2 } as const;

/** The rectangle grid of one job: output rows per task, columns per task, and task counts. */
export interface Split {
  readonly rowsPer: number;
  readonly colsPer: number;
  readonly rowTasks: number;
  readonly colTasks: number;
}

function grid(m: number, n: number, rowCuts: number, colCuts: number): Split {
  const rowsPer = Math.ceil(Math.ceil(m / PANEL_ROWS) / rowCuts) * PANEL_ROWS;
  const colsPer = Math.ceil(Math.ceil(n / PANEL_COLS) / colCuts) * PANEL_COLS;
  return { rowsPer, colsPer, rowTasks: Math.ceil(m / rowsPer), colTasks: Math.ceil(n / colsPer) };
}

/** The largest task's work, in multiply-adds, per step of the depth k. */
function taskCost(s: Split, f64: boolean): number {
  const packed = s.rowsPer * Math.ceil(s.colsPer / BLOCK_COLS) + s.colsPer;
  return s.rowsPer * s.colsPer + packed * PACK_WEIGHT[f64 ? 'f64' : 'f32'];
}

/**
 * Cuts an m×n output into `tasks` rectangles (fewer where the output has fewer panels), in whole
 * micro-kernel panels, choosing among the grids rows × columns = tasks the one whose largest task
 * costs least.
 */
export function splitOutput(m: number, n: number, tasks: number, f64: boolean): Split {
  const rowPanels = Math.ceil(m / PANEL_ROWS);
  const colPanels = Math.ceil(n / PANEL_COLS);
  const want = Math.max(1, Math.min(tasks, rowPanels * colPanels));
  // Cutting rows as far as they go and columns for the rest always fits; the loop looks for better.
  const rowsFirst = Math.min(want, rowPanels);
  let best = grid(m, n, rowsFirst, Math.ceil(want / rowsFirst));
  let bestCost = taskCost(best, f64);
  for (let rowCuts = 1; rowCuts <= want; rowCuts++) {
    const colCuts = Math.ceil(want / rowCuts);
    if (rowCuts > rowPanels || colCuts > colPanels) continue;
    const s = grid(m, n, rowCuts, colCuts);
    const cost = taskCost(s, f64);
    if (cost < bestCost) {
      best = s;
      bestCost = cost;
    }
  }
  return best;
}
