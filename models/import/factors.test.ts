import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../data/input-error.js';
import { readFactors } from './factors.js';
import { parseNpy } from './npy.js';
import { npyBytes, parquetFactorsBytes } from './test-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'edgepick-import-'));
let n = 0;
/** Writes `content` to a fresh file named `name` and returns its path. */
const file = (name: string, content: string | Uint8Array) => {
  const sub = join(dir, String(n++));
  mkdirSync(sub);
  const path = join(sub, name);
  writeFileSync(path, content);
  return path;
};
const jsonl = (rows: unknown[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;

// Values that float32 does not hold exactly, to see the rounding happen once and identically.
const ROWS = [
  { id: 12, features: [0.1, -0.25, 1.5] },
  { id: 7, features: [2, 0.3, -1e-3] },
  { id: 40, features: [-0.7, 0, 3.25] },
];
const expected = Float32Array.from(ROWS.flatMap((r) => r.features));

describe('readFactors: JSON lines (Spark df.write.json)', () => {
  it('keeps integer ids as strings and rounds features to float32, in file order', async () => {
    const got = await readFactors(file('items.json', jsonl(ROWS)));
    expect(got.format).toBe('jsonl');
    expect(got.ids).toEqual(['12', '7', '40']);
    expect(got.factors).toBe(3);
    expect(got.values).toEqual(expected);
  });

  it('reads a Spark output directory: part files in name order, _SUCCESS, .crc and empty parts skipped', async () => {
    const out = join(dir, 'spark-json');
    mkdirSync(out);
    writeFileSync(join(out, 'part-00000-abc-c000.json'), jsonl(ROWS.slice(0, 2)));
    writeFileSync(join(out, 'part-00001-abc-c000.json'), jsonl(ROWS.slice(2)));
    writeFileSync(join(out, 'part-00002-abc-c000.json'), '');
    writeFileSync(join(out, '.part-00000-abc-c000.json.crc'), 'crc');
    writeFileSync(join(out, '_SUCCESS'), '');
    const got = await readFactors(out);
    expect(got.ids).toEqual(['12', '7', '40']);
    expect(got.values).toEqual(expected);
    expect(got.files).toHaveLength(3);
  });

  it('refuses ragged rows, NaN/∞, duplicate ids, empty files and bad rows with the file and line', async () => {
    const refuse = async (content: string, message: RegExp, name = 'f.jsonl') => {
      const err = await readFactors(file(name, content)).catch((e) => e);
      expect(err).toBeInstanceOf(InputError);
      expect(err.message).toMatch(message);
    };
    await refuse(jsonl([ROWS[0], { id: 1, features: [1, 2] }]), /^f\.jsonl:2: 2 features, earlier rows have 3 \(ragged rows\)$/);
    await refuse(jsonl([ROWS[0], { id: 1, features: [1, 'NaN', 2] }]), /^f\.jsonl:2: features\[1\] is "NaN", not a number$/);
    await refuse(jsonl([{ id: 1, features: [1, 1e39] }]), /^f\.jsonl:1: features\[1\] is 1e\+39, which overflows float32$/);
    await refuse(jsonl([ROWS[0], ROWS[1], ROWS[0]]), /^f\.jsonl:3: duplicate id "12" \(already row 1\)$/);
    await refuse('', /^f\.jsonl is empty$/);
    await refuse('\n\n', /^f\.jsonl has no rows$/);
    await refuse(jsonl([{ id: 1 }]), /^f\.jsonl:1: missing features$/);
    await refuse(jsonl([{ features: [1] }]), /^f\.jsonl:1: missing id$/);
    await refuse(jsonl([{ id: 1.5, features: [1] }]), /^f\.jsonl:1: id must be an integer or a string/);
    await refuse(jsonl([{ id: 1, features: [] }]), /^f\.jsonl:1: features is empty$/);
    await refuse('{"id": 1, "features": [1,\n', /^f\.jsonl:1: not valid JSON$/);
    await refuse('1,0.5,0.25\n', /^f\.csv: unknown factor file extension "\.csv"/, 'f.csv');
    const ids = await readFactors(file('f.json', jsonl(ROWS)), { ids: file('ids.txt', 'a\n'), idsOption: '--item-ids' }).catch((e) => e);
    expect(ids.message).toBe('--item-ids is only for .npy factors (f.json carries its own id column)');
  });
});

describe('readFactors: .npy (implicit, np.save) with an id list', () => {
  it('reads float32 and float64 (rounded to float32), either byte order, format 1.0 and 2.0', async () => {
    const ids = file('ids.txt', 'sku-1\nsku-2\r\nsku-3\n');
    for (const options of [{}, { descr: '<f8' }, { descr: '>f4' }, { descr: '>f8', version: 2 as const }]) {
      const got = await readFactors(
        file(
          'items.npy',
          npyBytes(
            ROWS.flatMap((r) => r.features),
            [3, 3],
            options,
          ),
        ),
        { ids },
      );
      expect(got.format).toBe('npy');
      expect(got.ids).toEqual(['sku-1', 'sku-2', 'sku-3']);
      expect(got.factors).toBe(3);
      expect(got.values).toEqual(expected);
    }
  });

  it('reads the bytes row-major: row i is line i of the id list', async () => {
    // shape (2, 3): rows [1,2,3] and [4,5,6], not the columns.
    const got = await readFactors(file('m.npy', npyBytes([1, 2, 3, 4, 5, 6], [2, 3])), { ids: file('ids.txt', 'a\nb') });
    expect(got.factors).toBe(3);
    expect(Array.from(got.values.subarray(3, 6))).toEqual([4, 5, 6]);
  });

  it('refuses unsupported dtypes, Fortran order, wrong shapes, truncation, NaN and id lists that do not fit', async () => {
    const ids3 = file('ids.txt', 'a\nb\nc\n');
    const refuse = async (bytes: Uint8Array, message: RegExp, ids: string | null = ids3) => {
      const err = await readFactors(file('m.npy', bytes), { ids: ids ?? undefined, idsOption: '--item-ids' }).catch((e) => e);
      expect(err).toBeInstanceOf(InputError);
      expect(err.message).toMatch(message);
    };
    const six = [1, 2, 3, 4, 5, 6];
    await refuse(npyBytes(six, [3, 2], { descr: '<i4' }), /^m\.npy: unsupported dtype "<i4"/);
    await refuse(npyBytes(six, [3, 2], { fortran: true }), /^m\.npy: Fortran-order .* np\.ascontiguousarray/);
    await refuse(npyBytes(six, [6]), /^m\.npy: expected a 2-D array \[n, factors\], got shape \(6,\)$/);
    await refuse(npyBytes([], [0, 4]), /^m\.npy holds no factors/);
    await refuse(npyBytes(six, [3, 2]).subarray(0, 80), /^m\.npy is truncated inside its header$/);
    await refuse(npyBytes(six, [3, 2]).subarray(0, 140), /^m\.npy is truncated: shape \(3, 2\) needs 24 data bytes, the file has 12$/);
    await refuse(new Uint8Array(0), /^m\.npy is empty$/);
    await refuse(new TextEncoder().encode('id,features\n'), /^m\.npy is not a \.npy file/);
    await refuse(npyBytes([1, 2, Number.NaN, 4, 5, 6], [3, 2]), /^m\.npy: row 1, column 0 is NaN$/);
    await refuse(npyBytes([1, 2, 3, Number.POSITIVE_INFINITY, 5, 6], [3, 2], { descr: '<f8' }), /^m\.npy: row 1, column 1 is Infinity$/);
    await refuse(
      npyBytes([1, 2, 3, 1e300, 5, 6], [3, 2], { descr: '<f8' }),
      /^m\.npy: row 1, column 1 is 1e\+300, which overflows float32$/,
    );
    await refuse(npyBytes(six, [2, 3]), /^ids\.txt lists 3 ids but m\.npy has 2 rows/);
    await refuse(npyBytes(six, [3, 2]), /^ids\.txt:3: duplicate id "a"/, file('ids.txt', 'a\nb\na\n'));
    await refuse(npyBytes(six, [3, 2]), /^ids\.txt:2: empty id/, file('ids.txt', 'a\n\nc\n'));
    await refuse(npyBytes(six, [3, 2]), /^ids\.txt is empty$/, file('ids.txt', ''));
    await refuse(npyBytes(six, [3, 2]), /^m\.npy is a \.npy array without ids: add --item-ids <file>/, null);
  });

  it('writes and parses the header byte for byte as numpy 2.4 np.save does (padded to 64 bytes, newline-terminated)', () => {
    // numpy: np.save(f, np.array([[1, 2, 3]] * 4, dtype=np.float32)) starts with these 128 bytes.
    const numpyHeader = [
      ...[0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0],
      ...new TextEncoder().encode(`{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), }${' '.repeat(58)}\n`),
    ];
    const bytes = npyBytes([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3], [4, 3]);
    expect(Array.from(bytes.subarray(0, 128))).toEqual(numpyHeader);
    expect(bytes.byteLength).toBe(128 + 48);
    const m = parseNpy(bytes, 'x.npy');
    expect([m.rows, m.cols, m.descr]).toEqual([4, 3, '<f4']);
  });
});

// The Parquet files here are written byte by byte from the parquet-format spec (test-fixtures.ts),
// shaped like Spark ALS's output — not by Spark itself.
describe('readFactors: Parquet (Spark df.write.parquet)', () => {
  const ids = ROWS.map((r) => r.id);
  const features = ROWS.map((r) => r.features);

  it('reads id (int32, int64 or string) and features list<float>, uncompressed or snappy, across row groups', async () => {
    for (const options of [
      {},
      { codec: 'snappy' as const },
      { idType: 'int64' as const, rowGroupSize: 2 },
      { idType: 'string' as const, rowGroupSize: 1 },
    ]) {
      const got = await readFactors(file('part-00000.snappy.parquet', parquetFactorsBytes(ids, features, options)));
      expect(got.format).toBe('parquet');
      expect(got.ids).toEqual(['12', '7', '40']);
      expect(got.factors).toBe(3);
      expect(got.values).toEqual(expected);
    }
  });

  it('reads a Spark output directory of part files', async () => {
    const out = join(dir, 'spark-parquet');
    mkdirSync(out);
    writeFileSync(
      join(out, 'part-00000-x.snappy.parquet'),
      parquetFactorsBytes(ids.slice(0, 1), features.slice(0, 1), { codec: 'snappy' }),
    );
    writeFileSync(join(out, 'part-00001-x.snappy.parquet'), parquetFactorsBytes(ids.slice(1), features.slice(1), { codec: 'snappy' }));
    writeFileSync(join(out, '_SUCCESS'), '');
    const got = await readFactors(out);
    expect(got.ids).toEqual(['12', '7', '40']);
    expect(got.values).toEqual(expected);
  });

  it('refuses NaN, ragged and null rows, duplicate ids, no rows and files that are not Parquet', async () => {
    const rows2 = [features[0].slice(0, 2), features[1].slice(0, 2)];
    const refuse = async (bytes: Uint8Array | string, message: RegExp) => {
      const err = await readFactors(file('f.parquet', bytes)).catch((e) => e);
      expect(err).toBeInstanceOf(InputError);
      expect(err.message).toMatch(message);
    };
    await refuse(
      parquetFactorsBytes(
        [1, 2],
        [
          [1, 2],
          [Number.NaN, 0],
        ],
      ),
      /^f\.parquet: row 2: features\[0\] is NaN$/,
    );
    await refuse(
      parquetFactorsBytes(
        [1, 2],
        [
          [1, 2],
          [1, 2, 3],
        ],
        { rowGroupSize: 1 },
      ),
      /^f\.parquet: row 2: 3 features, earlier rows have 2 \(ragged rows\)$/,
    );
    await refuse(parquetFactorsBytes([1, 2], [[1, 2], null]), /^f\.parquet: row 2: missing features$/);
    await refuse(
      parquetFactorsBytes(
        [5, 5],
        [
          [1, 2],
          [3, 4],
        ],
      ),
      /^f\.parquet: row 2: duplicate id "5" \(already row 1\)$/,
    );
    await refuse(parquetFactorsBytes([], []), /^f\.parquet has no rows$/);
    await refuse('id,features\n', /^f\.parquet is not a readable Parquet file/);
    await refuse('', /^f\.parquet is empty$/);
    const corrupt = parquetFactorsBytes([1, 2], rows2);
    corrupt.fill(0xff, 4, 8); // inside the first page header
    await refuse(corrupt, /^f\.parquet: cannot read Parquet data: /);
  });
});
