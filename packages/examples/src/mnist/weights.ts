/**
 * Saving the trained network as safetensors, the format other frameworks read without running
 * any code: nn encodes the state dict, we only pick the path and the metadata.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stateDictToSafetensors, type Module } from '@tapegrad/nn';

/** Writes `net`'s parameters to `<dir>/weights.safetensors` with `metadata` as strings; returns the path. */
export function saveWeights(dir: string, net: Module, metadata: Record<string, string | number>): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'weights.safetensors');
  const meta = Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, String(v)]));
  writeFileSync(path, stateDictToSafetensors(net.stateDict(), { producer: '@tapegrad/examples mnist', ...meta }));
  return path;
}
