/**
 * The worker's whole source, built from the text of {@link workerMain}, {@link workerLoop} and {@link drain}: a string
 * that Node runs with `eval: true` and browsers load from a Blob URL, so the pool needs no worker
 * file beside the bundle and no network fetch, in source, ESM, CJS and browser builds alike.
 */
import { drain, workerLoop, workerMain } from './drain.js';

/** JavaScript text that starts a pool worker. */
export const WORKER_SOURCE = `(${workerMain.toString()})(${workerLoop.toString()}, ${drain.toString()});\n`;
