/**
 * A reader for LeCun's IDX format, the one MNIST ships in: two zero bytes, a type byte, the
 * number of dimensions, each dimension as a big-endian uint32, then the values row-major. Only
 * unsigned bytes (type 0x08) are read, the only type MNIST uses. Every check names the file, so a
 * truncated download or a corrupt copy is an error that says what is wrong, never a wrong shape.
 */
import { readFileSync } from 'node:fs';
import { MnistDataError } from '../errors.js';

/** An IDX file's contents: its dimensions and its bytes, row-major. */
export interface IdxArray {
  /** The path (or name) the data came from, for messages. */
  readonly file: string;
  /** The dimensions from the header, e.g. [60000, 28, 28] for MNIST's training images. */
  readonly dims: readonly number[];
  /** The values, `dims` multiplied out; a view into the file's bytes (no copy). */
  readonly data: Uint8Array;
}

/** The type byte of unsigned 8-bit data. */
const UBYTE = 0x08;
const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

function fail(file: string, what: string): never {
  throw new MnistDataError(`IDX file ${file}: ${what}`);
}

/**
 * Parses the bytes of an IDX file of unsigned bytes. Throws {@link MnistDataError} naming `file`
 * when the magic number is wrong (gzip data, another format, another value type), the header is
 * cut short, or the data is shorter or longer than the dimensions promise.
 */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  if (bytes.length < 4) fail(file, `is ${bytes.length} bytes long, too short for the 4-byte magic number.`);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) fail(file, 'is gzip-compressed; decompress it (gunzip) first.');
  const type = bytes[2]!;
  const ndims = bytes[3]!;
  if (bytes[0] !== 0 || bytes[1] !== 0 || TYPE_NAMES[type] === undefined) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    fail(file, `magic number ${magic} is not an IDX header (00 00, a type byte such as 08, then the rank).`);
  }
  if (type !== UBYTE)
    fail(file, `holds ${TYPE_NAMES[type]} values (type 0x${type.toString(16)}); only unsigned bytes (0x08) are read.`);
  if (ndims === 0) fail(file, 'declares 0 dimensions; an IDX array needs at least one.');
  const header = 4 + 4 * ndims;
  if (bytes.length < header) {
    fail(
      file,
      `is truncated inside its header: ${ndims} dimensions need ${header} header bytes, the file has ${bytes.length}.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let d = 0; d < ndims; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    dims.push(size);
    count *= size;
  }
  const available = bytes.length - header;
  if (available < count) {
    fail(
      file,
      `is truncated: dimensions [${dims.join(', ')}] need ${count} data bytes, the file has ${available} after its header.`,
    );
  }
  if (available > count) {
    fail(
      file,
      `has ${available - count} bytes beyond the ${count} that dimensions [${dims.join(', ')}] describe; it is corrupt or not what its header says.`,
    );
  }
  return { file, dims, data: bytes.subarray(header) };
}

/** Reads and parses an IDX file; see {@link parseIdx}. A missing or unreadable file is a {@link MnistDataError} too. */
export function readIdx(path: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new MnistDataError(`IDX file ${path}: cannot be read: ${(cause as Error).message}`);
  }
  return parseIdx(bytes, path);
}
