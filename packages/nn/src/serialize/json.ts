import { Tensor, type DType } from '@tapegrad/autograd';
import { SerializationError } from '../errors.js';
import { type StateDict, stateEntries } from '../module.js';

/** The JSON document {@link stateDictToJSON} writes. */
export interface StateDictJSON {
  /** Identifies the file as a tapegrad state dict. */
  readonly format: 'tapegrad-state-dict';
  /** The format version. */
  readonly version: 1;
  /** One entry per named tensor. */
  readonly tensors: Record<string, TensorJSON>;
}

/** One tensor of a {@link StateDictJSON}. */
export interface TensorJSON {
  /** Its dtype. */
  dtype: DType;
  /** Its shape. */
  shape: number[];
  /** Its values, row-major; NaN, ±Infinity and −0 travel as strings. */
  data: (number | string)[];
}

/**
 * JSON numbers round-trip float64 exactly (shortest round-trip formatting), but JSON has no
 * NaN, ±Infinity or −0, so those four travel as strings.
 */
function encodeValue(v: number): number | string {
  if (Number.isFinite(v)) return Object.is(v, -0) ? '-0' : v;
  return String(v);
}

function decodeValue(v: unknown, where: string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (v === '-0') return -0;
  throw new SerializationError(
    `${where}: ${JSON.stringify(v)} is not a number (or one of "NaN", "Infinity", "-Infinity", "-0").`,
  );
}

/** A state dict as a JSON string that restores every float64 bit exactly. */
export function stateDictToJSON(state: StateDict | Record<string, Tensor>): string {
  // No prototype, so that a tensor named __proto__ is a key like any other (JSON.parse reads it back as one).
  const tensors: StateDictJSON['tensors'] = Object.create(null) as StateDictJSON['tensors'];
  for (const [name, t] of stateEntries('stateDictToJSON', state))
    tensors[name] = { dtype: t.dtype, shape: [...t.shape], data: Array.from(t.data, encodeValue) };
  const doc: StateDictJSON = { format: 'tapegrad-state-dict', version: 1, tensors };
  return JSON.stringify(doc);
}

/** Parses {@link stateDictToJSON} output, validating dtypes, shapes and element counts. */
export function stateDictFromJSON(text: string): StateDict {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new SerializationError(`stateDictFromJSON: not valid JSON (${(e as Error).message}).`);
  }
  const d = doc as Partial<StateDictJSON> | null;
  if (
    d === null ||
    typeof d !== 'object' ||
    d.format !== 'tapegrad-state-dict' ||
    d.version !== 1 ||
    typeof d.tensors !== 'object' ||
    d.tensors === null
  ) {
    throw new SerializationError(
      `stateDictFromJSON: expected {format: "tapegrad-state-dict", version: 1, tensors: {...}}.`,
    );
  }
  const out: StateDict = new Map();
  for (const [name, entry] of Object.entries(d.tensors)) {
    const where = `stateDictFromJSON: tensor '${name}'`;
    if (entry === null || typeof entry !== 'object') throw new SerializationError(`${where} is not an object.`);
    const { dtype, shape, data } = entry;
    if (dtype !== 'float64' && dtype !== 'float32')
      throw new SerializationError(`${where} has unknown dtype ${JSON.stringify(dtype)}; expected float64 or float32.`);
    if (!Array.isArray(shape) || !shape.every((s) => Number.isSafeInteger(s) && s >= 0))
      throw new SerializationError(`${where} has an invalid shape ${JSON.stringify(shape)}.`);
    const size = shape.reduce((a, b) => a * b, 1);
    if (!Array.isArray(data) || data.length !== size) {
      throw new SerializationError(
        `${where} has ${Array.isArray(data) ? data.length : 'no'} values but shape [${shape.join(', ')}] needs ${size}.`,
      );
    }
    const values = dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
    for (let i = 0; i < size; i++) {
      const v = decodeValue(data[i], where);
      values[i] = v;
      // A finite value that float32 cannot hold would silently become ±Infinity.
      if (Number.isFinite(v) && !Number.isFinite(values[i]!)) {
        throw new SerializationError(`${where}: value ${i} (${v}) is outside the float32 range.`);
      }
    }
    out.set(name, new Tensor(values, shape));
  }
  return out;
}
