/**
 * Process-wide engine state and class identity. A process can load both the ESM and the CJS
 * build of this package (an ESM app beside a CJS dependency); each build has its own module
 * variables and classes, so anything that must be one per process lives on `globalThis` under a
 * `Symbol.for` key, which both builds resolve to the same symbol.
 * @packageDocumentation
 */

/** The switches and counters every copy of the engine in this process shares. */
export interface EngineState {
  /** Whether ops are recorded (grad mode). */
  gradEnabled: boolean;
  /** Whether every op is checked for NaN and Infinity. */
  anomalyEnabled: boolean;
  /** The id the next tape node gets. */
  nextNodeId: number;
  /** The number of the latest graph walk (see backward.ts). */
  walks: number;
  /** How many functional transforms are running around the current call. */
  transformDepth: number;
  /** The open forward-mode levels, outermost first (forward.ts owns their type). */
  tangentLevels: readonly object[];
  /** The id of the latest vmap level (see vmap.ts). */
  vmapLevels: number;
}

const STATE_KEY = Symbol.for('tapegrad.autograd.engineState');

function sharedState(): EngineState {
  const holder = globalThis as unknown as Record<symbol, EngineState | undefined>;
  return (holder[STATE_KEY] ??= {
    gradEnabled: true,
    anomalyEnabled: false,
    nextNodeId: 1,
    walks: 0,
    transformDepth: 0,
    tangentLevels: [],
    vmapLevels: 0,
  });
}

/** @internal The one engine state of this process, whichever build created it. */
export const engine: EngineState = sharedState();

const BRAND = Symbol.for('tapegrad.brand');
const nativeInstanceOf = Function.prototype[Symbol.hasInstance];

/**
 * Makes `instanceof cls` true for instances of the same-named class of any build of tapegrad
 * loaded in this process: the prototype carries a `Symbol.for` mark and the class checks for it.
 * Subclasses inherit the check but answer for themselves: one that is branded too checks its own
 * mark, an unbranded one (a user's `class Net extends Module`) falls back to the prototype chain.
 * @internal
 */
export function brandClass(cls: abstract new (...args: never[]) => unknown, name: string): void {
  const mark = Symbol.for(`tapegrad.class.${name}`);
  Object.defineProperty(cls.prototype, mark, { value: true });
  Object.defineProperty(cls, BRAND, { value: mark });
  if (Object.hasOwn(cls, Symbol.hasInstance)) return;
  Object.defineProperty(cls, Symbol.hasInstance, {
    value(this: object, value: unknown): boolean {
      // `x instanceof Tensor` runs on every op: asked of the class itself, its mark is known here.
      const own =
        this === cls ? mark : Object.hasOwn(this, BRAND) ? (this as Record<symbol, symbol>)[BRAND] : undefined;
      if (own === undefined) return nativeInstanceOf.call(this, value);
      return (
        (typeof value === 'object' || typeof value === 'function') &&
        value !== null &&
        (value as Record<symbol, unknown>)[own] === true
      );
    },
  });
}

/**
 * An environment variable where there is a process (Node), else undefined; '' counts as unset.
 * Read through globalThis: browsers have no `process`, and browser builds have no Node types.
 */
export function envVar(name: string): string | undefined {
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
  return value === '' ? undefined : value;
}
