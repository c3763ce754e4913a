import { InputError } from '../data/input-error.js';

/** A 2-D float matrix read from an `.npy` file, converted to float32, row-major. */
export interface NpyMatrix {
  rows: number;
  cols: number;
  values: Float32Array;
  /** The file's dtype as numpy wrote it (`<f4`, `<f8`, …). */
  descr: string;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Parses numpy's `.npy` format (versions 1.0, 2.0 and 3.0: magic, version, header length, a Python dict
 * literal `{'descr': '<f4', 'fortran_order': False, 'shape': (n, f), }`, then the raw data), as
 * `np.save(path, model.item_factors)` writes it. Accepts float32 and float64 of either byte order in
 * C order with a 2-D shape; refuses everything else (object arrays, ints, Fortran order, truncation)
 * with an InputError naming `name`. float64 values are rounded to float32, as the pack stores them;
 * a value that is NaN/∞ (or overflows float32) is refused with its row and column.
 */
export function parseNpy(bytes: Uint8Array, name: string): NpyMatrix {
  if (bytes.byteLength === 0) throw new InputError(`${name} is empty`);
  if (bytes.byteLength < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    throw new InputError(`${name} is not a .npy file (no \\x93NUMPY magic)`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.byteLength < 12) throw new InputError(`${name} is truncated inside its header`);
    headerLen = view.getUint32(8, true);
    start = 12;
  } else {
    throw new InputError(`${name}: unsupported .npy format version ${major}.${bytes[7]}`);
  }
  if (start + headerLen > bytes.byteLength) throw new InputError(`${name} is truncated inside its header`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new InputError(
      `${name}: .npy header is not a dict with descr, fortran_order and shape: ${JSON.stringify(header.trim().slice(0, 120))}`,
    );
  }
  const dtype = /^([<>=|]?)f([48])$/.exec(descr);
  if (!dtype) throw new InputError(`${name}: unsupported dtype ${JSON.stringify(descr)} (expected float32 '<f4' or float64 '<f8')`);
  const width = Number(dtype[2]);
  // '=' is native order; numpy writes '<' or '>' explicitly, so only a hand-made file has '='.
  const little = dtype[1] !== '>' && !(dtype[1] === '=' && new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1);
  if (fortran === 'True') {
    throw new InputError(
      `${name}: Fortran-order (column-major) arrays are not supported; save with np.save(path, np.ascontiguousarray(a))`,
    );
  }
  const dims = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => Number(s.replace(/L$/, '')));
  if (dims.length !== 2 || dims.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new InputError(`${name}: expected a 2-D array [n, factors], got shape (${shapeText.trim()})`);
  }
  const [rows, cols] = dims;
  if (rows === 0 || cols === 0) throw new InputError(`${name} holds no factors (shape (${rows}, ${cols}))`);
  const dataStart = start + headerLen;
  const need = rows * cols * width;
  if (bytes.byteLength - dataStart < need) {
    throw new InputError(
      `${name} is truncated: shape (${rows}, ${cols}) needs ${need} data bytes, the file has ${bytes.byteLength - dataStart}`,
    );
  }
  if (bytes.byteLength - dataStart > need) {
    throw new InputError(
      `${name} has ${bytes.byteLength - dataStart - need} bytes after the (${rows}, ${cols}) array (not a plain .npy array)`,
    );
  }
  const values = new Float32Array(rows * cols);
  for (let k = 0; k < values.length; k++) {
    const v = width === 4 ? view.getFloat32(dataStart + k * 4, little) : view.getFloat64(dataStart + k * 8, little);
    const f = Math.fround(v);
    if (!Number.isFinite(f)) {
      const what = Number.isFinite(v) ? `${v}, which overflows float32` : String(v);
      throw new InputError(`${name}: row ${Math.floor(k / cols)}, column ${k % cols} is ${what}`);
    }
    values[k] = f;
  }
  return { rows, cols, values, descr };
}
