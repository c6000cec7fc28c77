/**
 * No leaks: after a training step, nothing of the previous step's tape stays reachable. Tested
 * directly with WeakRefs in a child process started with --expose-gc (vitest's workers are not).
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runScript } from './support/child.js';

const script = fileURLToPath(new URL('./support/leak-probe.ts', import.meta.url));

describe('no leaks across training steps', () => {
  it("frees the previous step's loss, tape nodes and activations", () => {
    const out = runScript(script, [], ['--expose-gc']);
    const { alive } = JSON.parse(out.trim().split('\n').at(-1)!) as { alive: boolean[] };
    // [loss, loss.gradFn, hidden activation, its gradFn, control kept on purpose]
    expect(alive).toEqual([false, false, false, false, true]);
  });
});
