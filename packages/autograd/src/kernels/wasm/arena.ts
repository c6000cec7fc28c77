/**
 * The scratch arena: one region of the module's memory that operands are copied into, grown on
 * demand and never shrunk, so a call allocates nothing once the largest shape has been seen.
 */
import type { WasmKernels } from './instance.js';

const PAGE = 65536;

let buffer: ArrayBuffer | null = null;
let f64: Float64Array = new Float64Array(0);
let f32: Float32Array = new Float32Array(0);

/** Rounds a byte offset up to the 16-byte alignment of a SIMD vector. */
export function align16(bytes: number): number {
  // Arithmetic, not a bit mask: sizes past 2 GiB must stay large so the caller can refuse them.
  return Math.ceil(bytes / 16) * 16;
}

/**
 * Makes the first `bytes` bytes of memory usable and returns false if the memory cannot grow that
 * far (wasm32's 4 GiB, or the engine's limit): the caller then falls back to the TypeScript kernel.
 */
export function reserve(wasm: WasmKernels, bytes: number): boolean {
  const memory = wasm.memory;
  const have = memory.buffer.byteLength;
  if (bytes > have) {
    try {
      memory.grow(Math.ceil((bytes - have) / PAGE));
    } catch {
      return false;
    }
  }
  return true;
}

/** A float64 view of the whole memory, renewed after growth detaches the old buffer. */
export function viewF64(wasm: WasmKernels): Float64Array {
  if (wasm.memory.buffer !== buffer) refresh(wasm);
  return f64;
}

/** A float32 view of the whole memory, renewed after growth detaches the old buffer. */
export function viewF32(wasm: WasmKernels): Float32Array {
  if (wasm.memory.buffer !== buffer) refresh(wasm);
  return f32;
}

function refresh(wasm: WasmKernels): void {
  buffer = wasm.memory.buffer;
  f64 = new Float64Array(buffer);
  f32 = new Float32Array(buffer);
}
