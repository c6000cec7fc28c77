/**
 * The configurations of our library that every workload measures. Each is a row of its own in
 * every case, beside the same peer figures.
 */
import { getBackend, setBackend } from '@tapegrad/autograd';

/** One configuration of tapegrad. */
export interface OurSetup {
  /** Its name in the report ('' for the library as a user gets it). */
  readonly name: string;
  /** Switches the library into this configuration and returns what switches it back. */
  readonly enter?: () => () => void;
}

/**
 * Our setups, in the order of the report: the library as a user gets it (the WebAssembly SIMD128
 * kernels in Node), and the TypeScript kernels, so the backends' ratio is read off one run.
 */
export const OUR_SETUPS: readonly OurSetup[] = [
  { name: '' },
  {
    name: 'js kernels',
    enter: () => {
      const before = getBackend();
      setBackend('js');
      return () => setBackend(before);
    },
  },
];

/** Runs `open` inside `setup`, so whatever it builds and runs sees the setup's configuration. */
export function withSetup<T extends { run: unknown; close?: () => void }>(
  setup: OurSetup,
  open: () => T,
): T & { close: () => void } {
  const leave = setup.enter?.();
  try {
    const handle = open();
    return {
      ...handle,
      close: () => {
        handle.close?.();
        leave?.();
      },
    };
  } catch (e) {
    leave?.();
    throw e;
  }
}

/** A variant name: the setup's name appended to what varies within a workload. */
export function variantName(base: string, setup: OurSetup): string {
  return setup.name === '' ? base : `${base}, ${setup.name}`;
}
