import { Tensor, describeValue } from '@tapegrad/autograd';
import { SerializationError } from '../errors.js';
import { type StateDict, stateEntries } from '../module.js';

/** The safetensors dtypes tapegrad reads and writes. */
const DTYPES = { F64: { bytes: 8, dtype: 'float64' }, F32: { bytes: 4, dtype: 'float32' } } as const;
type SafeDType = keyof typeof DTYPES;

/** Headers larger than this are refused before decoding (the reference implementation's limit). */
const MAX_HEADER_BYTES = 100_000_000;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Copies `t`'s elements as little-endian bytes into `out` at `offset`. */
function writeData(t: Tensor, out: Uint8Array, offset: number): void {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), offset);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset);
  const step = t.dtype === 'float64' ? 8 : 4;
  for (let i = 0; i < t.size; i++) {
    if (step === 8) view.setFloat64(offset + i * 8, t.data[i]!, true);
    else view.setFloat32(offset + i * 4, t.data[i]!, true);
  }
}

/**
 * Encodes a state dict in the safetensors format: an 8-byte little-endian header length, a JSON
 * header {name: {dtype, shape, data_offsets}} padded with spaces to a multiple of 8 bytes, then
 * the tensors' little-endian bytes back to back. Runs anywhere (Uint8Array only).
 */
export function stateDictToSafetensors(
  state: StateDict | Record<string, Tensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const entries = stateEntries('stateDictToSafetensors', state);
  // No prototype, so that a tensor named __proto__ is a key like any other.
  const header: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (metadata !== undefined) header.__metadata__ = checkMetadata(metadata);
  let offset = 0;
  for (const [name, t] of entries) {
    if (name === '__metadata__')
      throw new SerializationError(`stateDictToSafetensors: '__metadata__' is reserved and cannot name a tensor.`);
    const code: SafeDType = t.dtype === 'float64' ? 'F64' : 'F32';
    header[name] = { dtype: code, shape: [...t.shape], data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.length, true);
  view.setUint32(4, 0, true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const [, t] of entries) {
    writeData(t, out, at);
    at += t.data.byteLength;
  }
  return out;
}

/**
 * The writer refuses what the reader refuses: `__metadata__` is an object of strings (anything
 * else, such as numbers, bigints or nested objects, could be written but not read back).
 */
function checkMetadata(metadata: unknown): Record<string, string> {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))
    throw new SerializationError(
      `stateDictToSafetensors: metadata must be an object of strings, got ${describeValue(metadata)}.`,
    );
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string')
      throw new SerializationError(
        `stateDictToSafetensors: metadata value '${k}' is ${describeValue(v)}; safetensors metadata holds strings only (use String(v) or JSON.stringify(v)).`,
      );
    out[k] = v;
  }
  return out;
}

interface Entry {
  name: string;
  code: SafeDType;
  shape: number[];
  begin: number;
  end: number;
}

function fail(msg: string): never {
  throw new SerializationError(`stateDictFromSafetensors: ${msg}`);
}

function parseEntry(name: string, raw: unknown, dataBytes: number): Entry {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(`header entry '${name}' is not an object.`);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== 'string' || !Object.hasOwn(DTYPES, dtype)) {
    fail(
      `tensor '${name}' has dtype ${JSON.stringify(dtype)}, which tapegrad does not read; supported: ${Object.keys(DTYPES).join(', ')}.`,
    );
  }
  const code = dtype as SafeDType;
  if (!Array.isArray(shape) || !shape.every((s) => Number.isSafeInteger(s) && s >= 0))
    fail(`tensor '${name}' has an invalid shape ${JSON.stringify(shape)}.`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    fail(`tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}; expected [begin, end] byte offsets.`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataBytes)
    fail(`tensor '${name}' has data_offsets [${begin}, ${end}] outside the ${dataBytes}-byte data section.`);
  let count = 1;
  for (const s of shape as number[]) {
    count *= s;
    if (!Number.isSafeInteger(count)) fail(`tensor '${name}' has a shape too large to address.`);
  }
  if (count * DTYPES[code].bytes !== end - begin) {
    fail(
      `tensor '${name}' has shape [${(shape as number[]).join(', ')}] of ${code} (${count * DTYPES[code].bytes} bytes) but data_offsets span ${end - begin} bytes.`,
    );
  }
  return { name, code, shape: shape as number[], begin, end };
}

/** What {@link stateDictFromSafetensors} decodes. */
export interface SafetensorsContents {
  /** The tensors, in header order. */
  readonly tensors: StateDict;
  /** The optional string-to-string `__metadata__`. */
  readonly metadata: Record<string, string>;
}

/**
 * Decodes safetensors bytes, validating everything before allocating tensor storage: the header
 * length against the buffer, the header's JSON, every dtype, shape and byte range, and that the
 * ranges tile the data section without overlaps or gaps. Throws a SerializationError naming the
 * problem otherwise.
 */
export function stateDictFromSafetensors(bytes: Uint8Array): SafetensorsContents {
  if (!(bytes instanceof Uint8Array)) fail('expected a Uint8Array.');
  if (bytes.length < 8) fail(`the buffer has ${bytes.length} bytes, fewer than the 8-byte header length.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const headerBytes = high * 2 ** 32 + low;
  if (high !== 0 || headerBytes > MAX_HEADER_BYTES)
    fail(`the header claims ${headerBytes} bytes, more than the ${MAX_HEADER_BYTES}-byte limit.`);
  if (8 + headerBytes > bytes.length)
    fail(
      `the header claims ${headerBytes} bytes but only ${bytes.length - 8} follow the length field (truncated or corrupt file).`,
    );
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerBytes)));
  } catch (e) {
    fail(`the header is not valid UTF-8 JSON (${(e as Error).message}).`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('the header must be a JSON object.');
  const dataStart = 8 + headerBytes;
  const dataBytes = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
        fail('__metadata__ must be an object of strings.');
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__ value '${k}' is not a string.`);
        // defineProperty, so that a key named __proto__ stays a key.
        Object.defineProperty(metadata, k, { value: v, enumerable: true, writable: true, configurable: true });
      }
      continue;
    }
    entries.push(parseEntry(name, raw, dataBytes));
  }
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const e of sorted) {
    if (e.begin < covered) fail(`tensor '${e.name}' (bytes ${e.begin}–${e.end}) overlaps another tensor's data.`);
    if (e.begin > covered) fail(`bytes ${covered}–${e.begin} of the data section belong to no tensor.`);
    covered = e.end;
  }
  if (covered !== dataBytes) fail(`the data section has ${dataBytes} bytes but the tensors cover ${covered}.`);
  const tensors: StateDict = new Map();
  for (const e of entries) {
    // A copy into a fresh, aligned buffer of its own, which typed-array views need. (Buffer's
    // slice() shares memory, and its .buffer is the whole pool, so copy through the constructor.)
    const chunk = new Uint8Array(bytes.subarray(dataStart + e.begin, dataStart + e.end));
    const { bytes: width } = DTYPES[e.code];
    const count = (e.end - e.begin) / width;
    let data: Float64Array | Float32Array;
    if (LITTLE_ENDIAN) data = e.code === 'F64' ? new Float64Array(chunk.buffer) : new Float32Array(chunk.buffer);
    else {
      const dv = new DataView(chunk.buffer);
      data = e.code === 'F64' ? new Float64Array(count) : new Float32Array(count);
      for (let i = 0; i < count; i++)
        data[i] = e.code === 'F64' ? dv.getFloat64(i * 8, true) : dv.getFloat32(i * 4, true);
    }
    tensors.set(e.name, new Tensor(data, e.shape));
  }
  return { tensors, metadata };
}
