/**
 * The configurations of our library that every workload measures. Each is a row of its own in
 * every case, beside the same peer figures.
 */
import { getBackend, getNumThreads, setBackend, setNumThreads } from '@tapegrad/autograd';

/** One configuration of tapegrad. */
export interface OurSetup {
  /** Its name in the report ('' for the library as a user gets it). */
  readonly name: string;
  /** Switches the library into this configuration and returns what switches it back. */
  readonly enter?: () => () => void;
}

/** A setup running the kernels on `threads` threads, restoring the previous count on leaving. */
function onThreads(threads: number): OurSetup {
  return {
    name: threads === 1 ? '1 thread' : `${threads} threads`,
    enter: () => {
      const before = getNumThreads();
      setNumThreads(threads);
      return () => setNumThreads(before);
    },
  };
}

/**
 * Our setups, in the order of the report: the library as a user gets it (the WebAssembly SIMD128
 * kernels on the cores available, or TAPEGRAD_NUM_THREADS), the same on one thread, so each case
 * reports 1 and N threads in the same run, and the TypeScript kernels (always one thread).
 */
export const OUR_SETUPS: readonly OurSetup[] = [
  { name: '' },
  ...(getNumThreads() === 1 ? [] : [onThreads(1)]),
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
