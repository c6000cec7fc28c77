/** Same seed, same bits: two separate processes train from one seed and must agree byte for byte. */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runScript } from './support/child.js';

const script = fileURLToPath(new URL('./support/train-and-hash.ts', import.meta.url));

describe('determinism across processes', () => {
  it('gives bit-identical weights for the same seed, and different ones for another seed', () => {
    const a = runScript(script, ['11']).trim();
    const b = runScript(script, ['11']).trim();
    const c = runScript(script, ['12']).trim();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });
});
