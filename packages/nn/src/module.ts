import {
  Tensor,
  ArgumentError,
  brandClass,
  DTypeError,
  ShapeError,
  formatShape,
  noGrad,
  checkOptions,
} from '@tapegrad/autograd';
import { describeValue, shapesEqual } from './util.js';
import { Parameter } from './parameter.js';
import { StateDictError } from './errors.js';

/** Named tensors in registration order, as saved and loaded by {@link Module.stateDict}. */

export type StateDict = Map<string, Tensor>;

/** Options of {@link Module.loadStateDict}. */
export interface LoadStateDictOptions {
  /** Reject missing and unexpected names (default true). */
  strict?: boolean;
}

/**
 * What a layer's hand-derived {@link Module.backprop} receives besides δ at its output: the
 * tensors of the forward pass it differentiates.
 * @typeParam S what the layer saved with `saveForBackprop` during that forward (a dropout mask,
 * pooling indices); `undefined` when it saved nothing.
 */
export interface BackpropContext<S = unknown> {
  /** The layer's input, one sample per row (a^{l−1} for a dense layer). */
  readonly input: Tensor;
  /** The layer's output for that input (z^l for a Linear layer, a^l for an activation). */
  readonly output: Tensor;
  /** The value the forward pass handed to `saveForBackprop`, if any. */
  readonly saved: S | undefined;
  /**
   * False for the first layer of a network, whose ∂C/∂input nobody reads: the layer may then
   * return `deltaIn: null` and skip the work (BP2's matmul for a Linear layer).
   */
  readonly needsDeltaIn: boolean;
}

/** What a layer's hand-derived {@link Module.backprop} returns. */
export interface LayerBackprop {
  /** ∂C/∂input, the shape of the input; null only when the context said `needsDeltaIn: false`. */
  readonly deltaIn: Tensor | null;
  /**
   * ∂C/∂p for every parameter of the layer, keyed by the name it was registered under (`weight`,
   * `bias`, or a dotted name for a parameter of a child module). Every parameter must appear.
   */
  readonly grads: Readonly<Record<string, Tensor>>;
}

/**
 * Runs after a module's forward when it is called through {@link Module.call} (as Sequential
 * calls its stages): sees the input and the output, and may return a tensor to use instead.
 */
export type ForwardHook = (module: Module, input: Tensor, output: Tensor) => Tensor | void;

/**
 * Runs when the tape's backward pass reaches the output of a module called through
 * {@link Module.call}: receives ∂C/∂output (the δ at the module's output) and may return a
 * replacement of the same shape. The hand-derived backprop does not run these.
 */
export type BackwardHook = (module: Module, gradOutput: Tensor) => Tensor | void;

/** What registering a hook returns: `remove()` unregisters it. */
export interface HookHandle {
  /** Unregisters the hook; later calls do nothing. */
  remove(): void;
}

/**
 * The base class of every layer and network. A module owns parameters and child modules,
 * registered by name, and computes `forward(x)`. Names compose with dots (`"0.weight"`), so a
 * state dict of a nested network is a flat, ordered map.
 */
export abstract class Module {
  private readonly ownParameters = new Map<string, Parameter>();
  private readonly ownChildren = new Map<string, Module>();
  private readonly ownBuffers = new Map<string, Tensor>();
  private readonly forwardHooks = new Set<ForwardHook>();
  private readonly backwardHooks = new Set<BackwardHook>();
  private parentLink: { parent: Module; key: string } | null = null;
  private savedForBackprop: unknown = undefined;
  /** True in training mode (the default); layers such as dropout read it. */
  training = true;

  /**
   * The layer's hand-derived backprop, as Nielsen derives BP1–BP4 for the dense layer: given
   * δ = ∂C/∂output for a batch (one row per sample), return ∂C/∂input and ∂C/∂p for the layer's
   * parameters, without the tape. Optional: `closedFormBackprop` needs it on every stage,
   * `compareBackprop` reports a stage without it as "tape only", and `checkLayer` checks it
   * against the tape's vjp of `forward`.
   */
  backprop?(deltaOut: Tensor, context: BackpropContext): LayerBackprop;

  /** Computes the module's output for a batch of inputs. */
  abstract forward(x: Tensor): Tensor;

  /** A short description such as `Linear(2 → 3)`, used in error messages and summaries. */
  abstract describe(): string;

  /**
   * Keeps `value` for the hand-derived backprop of the forward pass now running; it arrives as
   * `context.saved`. Call it from `forward` when the backprop needs more than the input and the
   * output (a dropout mask, the indices a max-pool picked). Each forward replaces the last value.
   */
  protected saveForBackprop(value: unknown): void {
    this.savedForBackprop = value;
  }

  /**
   * Returns and forgets what the latest `forward` saved with `saveForBackprop`. The forward loop
   * calls it right after each stage, so a saved value belongs to exactly one forward pass.
   */
  takeSaved(): unknown {
    const value = this.savedForBackprop;
    this.savedForBackprop = undefined;
    return value;
  }

  /** Registers (or replaces) a parameter under `name` and returns it. */
  protected registerParameter(name: string, p: Parameter): Parameter {
    checkName(this, name);
    if (!(p instanceof Parameter)) {
      throw new ArgumentError(
        `${this.describe()}.registerParameter('${name}'): expected a Parameter; wrap the tensor with new Parameter(t).`,
      );
    }
    this.ownParameters.set(name, p);
    return p;
  }

  /**
   * Registers (or replaces) a buffer: state that belongs to the module but is not trained (a
   * step count, running statistics). Buffers are saved and loaded by `stateDict` after the
   * parameters, and are not returned by `parameters()`, so no optimizer updates them.
   */
  protected registerBuffer(name: string, value: Tensor): Tensor {
    checkName(this, name);
    if (!(value instanceof Tensor) || value instanceof Parameter || value.requiresGrad) {
      throw new ArgumentError(
        `${this.describe()}.registerBuffer('${name}'): expected a Tensor that does not require grad; ` +
          `register trained state with registerParameter instead.`,
      );
    }
    if (this.ownParameters.has(name)) {
      throw new ArgumentError(`${this.describe()}.registerBuffer('${name}'): '${name}' is already a parameter.`);
    }
    this.ownBuffers.set(name, value);
    return value;
  }

  /** Every buffer of this module and its descendants, with dotted names, depth first. */
  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, b] of this.ownBuffers) out.push([prefix + name, b]);
    for (const [name, child] of this.ownChildren) out.push(...child.namedBuffers(`${prefix}${name}.`));
    return out;
  }

  /**
   * Registers a hook run after every {@link Module.call} of this module, in registration order;
   * see {@link ForwardHook}.
   */
  registerForwardHook(hook: ForwardHook): HookHandle {
    return addHook(this, this.forwardHooks, hook, 'registerForwardHook');
  }

  /** Registers a hook on the tape's gradient at this module's output; see {@link BackwardHook}. */
  registerBackwardHook(hook: BackwardHook): HookHandle {
    return addHook(this, this.backwardHooks, hook, 'registerBackwardHook');
  }

  /**
   * `forward(x)` with the module's hooks: forward hooks run on the result (each may replace it),
   * then backward hooks are attached to the output when it is on the tape. Sequential calls its
   * stages this way; calling `forward` directly skips the hooks.
   */
  call(x: Tensor): Tensor {
    let y = this.forward(x);
    for (const hook of this.forwardHooks) {
      const replaced = hook(this, x, y);
      if (replaced === undefined) continue;
      if (!(replaced instanceof Tensor)) {
        throw new ArgumentError(
          `${this.label()}: a forward hook returned ${describeValue(replaced)}; return a Tensor or nothing.`,
        );
      }
      y = replaced;
    }
    if (this.backwardHooks.size > 0 && y.requiresGrad) {
      for (const hook of this.backwardHooks) y.registerHook((g) => hook(this, g));
    }
    return y;
  }

  /** Registers (or replaces) a child module under `name` and returns it. */
  protected registerModule<M extends Module>(name: string, m: M): M {
    checkName(this, name);
    if (!(m instanceof Module))
      throw new ArgumentError(`${this.describe()}.registerModule('${name}'): expected a Module.`);
    this.ownChildren.set(name, m);
    m.parentLink = { parent: this, key: name };
    return m;
  }

  /** The dotted path of this module inside its root (empty for a root), for error messages. */
  get path(): string {
    const parts: string[] = [];
    for (let link = this.parentLink; link !== null; link = link.parent.parentLink) parts.unshift(link.key);
    return parts.join('.');
  }

  /** `describe()` prefixed with the module's path, e.g. `layer '2' Linear(3 → 1)`. */
  label(): string {
    const p = this.path;
    return p === '' ? this.describe() : `layer '${p}' ${this.describe()}`;
  }

  /** Direct children, in registration order. */
  children(): Module[] {
    return [...this.ownChildren.values()];
  }

  /** Direct children with their names. */
  namedChildren(): [string, Module][] {
    return [...this.ownChildren.entries()];
  }

  /** This module and all its descendants, depth first (the module itself comes first). */
  modules(): Module[] {
    const out: Module[] = [this];
    for (const child of this.ownChildren.values()) out.push(...child.modules());
    return out;
  }

  /** Every parameter of this module and its descendants, with dotted names, depth first. */
  namedParameters(prefix = ''): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    for (const [name, p] of this.ownParameters) out.push([prefix + name, p]);
    for (const [name, child] of this.ownChildren) out.push(...child.namedParameters(`${prefix}${name}.`));
    return out;
  }

  /**
   * Points this module's own parameter `name` (its registry entry, and the field of the same name
   * that layers read) at `value`, and returns a function that puts the original back. The door
   * `functionalCall` goes through; prefer that.
   */
  swapParameter(name: string, value: Tensor): () => void {
    const original = this.ownParameters.get(name);
    if (original === undefined) {
      throw new ArgumentError(`${this.describe()}.swapParameter: no parameter named '${name}'.`);
    }
    const fields = this as unknown as Record<string, unknown>;
    const hasField = fields[name] === original;
    // The registry holds Parameters; for the duration of a functional call it holds the caller's tensor.
    this.ownParameters.set(name, value as Parameter);
    if (hasField) Object.defineProperty(this, name, { value, configurable: true, writable: true, enumerable: true });
    return () => {
      this.ownParameters.set(name, original);
      if (hasField)
        Object.defineProperty(this, name, { value: original, configurable: true, writable: true, enumerable: true });
    };
  }

  /** Every parameter of this module and its descendants, depth first. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Clears `.grad` of every parameter, so the next backward does not accumulate onto old gradients. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Sets training mode on this module and all descendants. */
  train(mode = true): this {
    this.training = mode;
    for (const c of this.ownChildren.values()) c.train(mode);
    return this;
  }

  /** Sets evaluation mode (same as `train(false)`). */
  eval(): this {
    return this.train(false);
  }

  /** Copies of every parameter's values, detached from the tape, in registration order, then of every buffer. */
  stateDict(): StateDict {
    const out: StateDict = new Map();
    for (const [name, p] of this.namedState()) out.set(name, new Tensor(p.data.slice(), p.shape));
    return out;
  }

  private namedState(): [string, Tensor][] {
    return [...this.namedParameters(), ...this.namedBuffers()];
  }

  /**
   * Copies values from `state` into this module's parameters in place (bumping their versions).
   * Validates every name, shape and dtype before touching anything, so a bad dict leaves the
   * module unchanged.
   */
  loadStateDict(state: StateDict | Record<string, Tensor>, options?: LoadStateDictOptions): void {
    const strict = checkOptions('loadStateDict', options, ['strict']).strict ?? true;
    const entries = new Map(stateEntries('loadStateDict', state, false));
    const params = new Map(this.namedState());
    const plan: [Tensor, Tensor][] = [];
    const missing = [...params.keys()].filter((k) => !entries.has(k));
    const unexpected = [...entries.keys()].filter((k) => !params.has(k));
    if (strict && (missing.length > 0 || unexpected.length > 0)) {
      throw new StateDictError(
        `${this.describe()}.loadStateDict: names do not match` +
          (missing.length ? `; missing: ${missing.join(', ')}` : '') +
          (unexpected.length ? `; unexpected: ${unexpected.join(', ')}` : '') +
          `. Save and load with the same architecture, or pass {strict: false} to load the overlap.`,
      );
    }
    for (const [name, p] of params) {
      const t = entries.get(name);
      if (t === undefined) continue;
      if (!(t instanceof Tensor)) throw new StateDictError(`loadStateDict: entry '${name}' is not a Tensor.`);
      if (!shapesEqual(t.shape, p.shape)) {
        throw new ShapeError(
          `loadStateDict: '${name}' has shape ${formatShape(t.shape)} in the state dict but ${formatShape(p.shape)} in ${this.describe()}.`,
        );
      }
      if (t.dtype !== p.dtype) {
        throw new DTypeError(
          `loadStateDict: '${name}' is ${t.dtype} in the state dict but ${p.dtype} in the module; cast it with .to('${p.dtype}') first (never silently converted).`,
        );
      }
      plan.push([p, t]);
    }
    noGrad(() => {
      for (const [p, t] of plan) p.mutate_((d) => d.set(t.data));
    });
  }
}

/**
 * The named tensors of a state dict given as a Map or as a plain object (own keys, `__proto__`
 * included), in order. Every reader and writer takes both forms through here, so they accept the
 * same input. With `tensorsOnly`, a value that is not a Tensor is refused here; otherwise the
 * caller checks values itself (loadStateDict names the parameter).
 */
export function stateEntries(where: string, state: unknown, tensorsOnly = true): [string, Tensor][] {
  if (!(state instanceof Map) && (typeof state !== 'object' || state === null || Array.isArray(state))) {
    throw new StateDictError(
      `${where}: expected a Map or a plain object of name → Tensor, got ${describeValue(state)}.`,
    );
  }
  const entries: [string, unknown][] = state instanceof Map ? [...state.entries()] : Object.entries(state);
  for (const [name, t] of entries) {
    if (typeof name !== 'string')
      throw new StateDictError(`${where}: names must be strings, got ${describeValue(name)}.`);
    if (tensorsOnly && !(t instanceof Tensor))
      throw new StateDictError(`${where}: entry '${name}' is ${describeValue(t)}, not a Tensor.`);
  }
  return entries as [string, Tensor][];
}

function addHook<H>(m: Module, hooks: Set<H>, hook: H, where: string): HookHandle {
  if (typeof hook !== 'function') {
    throw new ArgumentError(`${m.describe()}.${where}: the hook must be a function, got ${describeValue(hook)}.`);
  }
  // A wrapper makes each registration its own entry, so registering one function twice runs it twice.
  const entry = ((...args: unknown[]) => (hook as (...a: unknown[]) => unknown)(...args)) as H;
  hooks.add(entry);
  return { remove: () => void hooks.delete(entry) };
}

function checkName(m: Module, name: string): void {
  if (typeof name !== 'string' || name === '' || name.includes('.')) {
    throw new ArgumentError(
      `${m.describe()}: invalid name ${JSON.stringify(name)}; names are non-empty and contain no '.', which separates path segments.`,
    );
  }
}

// `instanceof Module` holds for modules of either build (ESM or CJS) loaded in this process.
brandClass(Module, 'nn.Module');
