// Writers for the files `edgepick pack` imports, byte by byte from the formats' specs, so tests need
// neither numpy nor Spark (tests only).

/**
 * An `.npy` file (NPY format 1.0 unless `version: 2`): magic `\x93NUMPY`, version, header length, the
 * header dict padded with spaces and a newline so the data starts at a multiple of 64, then the data
 * in `descr` (`<f4`, `<f8`, `>f4`, `<i4`, …) in C order — or the bytes in the given order when
 * `fortran` is set (the header then says so; the values are written as given).
 */
export function npyBytes(
  values: ArrayLike<number>,
  shape: number[],
  options: { descr?: string; fortran?: boolean; version?: 1 | 2 } = {},
): Uint8Array {
  const descr = options.descr ?? '<f4';
  const version = options.version ?? 1;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': ${options.fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const pre = version === 1 ? 10 : 12;
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  const header = `${dict}${' '.repeat(total - pre - dict.length - 1)}\n`;
  const m = /^([<>|])([fi])(\d)$/.exec(descr);
  if (!m) throw new Error(`npyBytes: unsupported descr ${descr}`);
  const little = m[1] !== '>';
  const width = Number(m[3]);
  const out = new Uint8Array(total + values.length * width);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), pre);
  for (let k = 0; k < values.length; k++) {
    const o = total + k * width;
    if (m[2] === 'i') view.setInt32(o, values[k], little);
    else if (width === 4) view.setFloat32(o, values[k], little);
    else view.setFloat64(o, values[k], little);
  }
  return out;
}

/** Thrift compact protocol, the encoding of Parquet's page headers and footer (write side, the subset Parquet uses). */
class Compact {
  bytes: number[] = [];
  private last: number[] = [0];

  private varint(n: bigint) {
    while (n > 0x7fn) {
      this.bytes.push(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    this.bytes.push(Number(n));
  }
  private zigzag(n: number | bigint) {
    const b = BigInt(n);
    this.varint(b >= 0n ? b << 1n : (-b << 1n) - 1n);
  }
  private field(id: number, type: number) {
    const delta = id - this.last[this.last.length - 1];
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
    else {
      this.bytes.push(type);
      this.zigzag(id);
    }
    this.last[this.last.length - 1] = id;
  }
  private listHeader(n: number, type: number) {
    if (n < 15) this.bytes.push((n << 4) | type);
    else {
      this.bytes.push(0xf0 | type);
      this.varint(BigInt(n));
    }
  }
  private body(write: () => void) {
    this.last.push(0);
    write();
    this.bytes.push(0); // STOP
    this.last.pop();
  }
  i32(id: number, v: number) {
    this.field(id, 5);
    this.zigzag(v);
  }
  i64(id: number, v: number) {
    this.field(id, 6);
    this.zigzag(v);
  }
  string(id: number, s: string) {
    const b = new TextEncoder().encode(s);
    this.field(id, 8);
    this.varint(BigInt(b.length));
    this.bytes.push(...b);
  }
  struct(id: number, write: () => void) {
    this.field(id, 12);
    this.body(write);
  }
  listI32(id: number, vs: number[]) {
    this.field(id, 9);
    this.listHeader(vs.length, 5);
    for (const v of vs) this.zigzag(v);
  }
  listString(id: number, vs: string[]) {
    this.field(id, 9);
    this.listHeader(vs.length, 8);
    for (const s of vs) {
      const b = new TextEncoder().encode(s);
      this.varint(BigInt(b.length));
      this.bytes.push(...b);
    }
  }
  listStruct(id: number, writes: (() => void)[]) {
    this.field(id, 9);
    this.listHeader(writes.length, 12);
    for (const w of writes) this.body(w);
  }
  /** Ends the top-level struct. */
  end(): Uint8Array {
    this.bytes.push(0);
    return Uint8Array.from(this.bytes);
  }
}

/** The RLE/bit-packed hybrid encoding of levels (RLE runs only), as data page v1 stores them: u32 length, then runs. */
function levels(values: number[]): number[] {
  const runs: number[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j < values.length && values[j] === values[i]) j++;
    let header = (j - i) << 1; // RLE run: count << 1, then the value in ceil(bitWidth / 8) = 1 byte
    while (header > 0x7f) {
      runs.push((header & 0x7f) | 0x80);
      header >>>= 7;
    }
    runs.push(header, values[i]);
    i = j;
  }
  const len = runs.length;
  return [len & 0xff, (len >> 8) & 0xff, (len >> 16) & 0xff, len >>> 24, ...runs];
}

/** Snappy with literal blocks only: a valid stream (varint length, then literal chunks) that any decoder reads. */
function snappyLiteral(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let n = data.length;
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  for (let o = 0; o < data.length; o += 65536) {
    const chunk = data.subarray(o, Math.min(o + 65536, data.length));
    const l = chunk.length - 1;
    if (l < 60) out.push(l << 2);
    else if (l < 256) out.push(60 << 2, l);
    else out.push(61 << 2, l & 0xff, l >> 8);
    out.push(...chunk);
  }
  return Uint8Array.from(out);
}

export interface ParquetFactorsOptions {
  /** Parquet type of `id`: Spark ALS writes INT32 (its ids are Ints); INT64 and UTF-8 strings also occur. @default 'int32' */
  idType?: 'int32' | 'int64' | 'string';
  /** Compression of the data pages: Spark's default is snappy. @default 'uncompressed' */
  codec?: 'uncompressed' | 'snappy';
  /** Rows per row group. @default all rows in one */
  rowGroupSize?: number;
}

/**
 * A Parquet file shaped like Spark MLlib ALS's `itemFactors.write.parquet(…)` output, written from
 * the parquet-format spec: schema `required int32 id; optional group features (LIST) { repeated
 * group list { required float element } }`, one data page (v1, PLAIN values, RLE levels) per column
 * chunk, and a thrift-compact footer. A `null` features value writes a null list (def level 0).
 */
export function parquetFactorsBytes(
  ids: (number | string)[],
  features: (number[] | null)[],
  options: ParquetFactorsOptions = {},
): Uint8Array {
  const idType = options.idType ?? 'int32';
  const codec = options.codec === 'snappy' ? 1 : 0;
  const groupSize = options.rowGroupSize ?? Math.max(ids.length, 1);
  const chunks: number[] = [0x50, 0x41, 0x52, 0x31]; // PAR1
  const rowGroups: (() => void)[] = [];
  const PHYSICAL = { int32: 1, int64: 2, string: 6 } as const;

  /** Writes one column chunk (page header + page) and returns its ColumnMetaData writer. */
  const column = (type: number, path: string[], numValues: number, page: Uint8Array) => {
    const body = codec === 1 ? snappyLiteral(page) : page;
    const header = new Compact();
    header.i32(1, 0); // DATA_PAGE
    header.i32(2, page.length);
    header.i32(3, body.length);
    header.struct(5, () => {
      header.i32(1, numValues);
      header.i32(2, 0); // PLAIN
      header.i32(3, 3); // definition levels: RLE
      header.i32(4, 3); // repetition levels: RLE
    });
    const h = header.end();
    const offset = chunks.length;
    chunks.push(...h, ...body);
    const size = h.length + body.length;
    const uncompressed = h.length + page.length;
    return (c: Compact) => {
      c.i64(2, offset); // file_offset
      c.struct(3, () => {
        c.i32(1, type);
        c.listI32(2, [0, 3]); // PLAIN, RLE
        c.listString(3, path);
        c.i32(4, codec);
        c.i64(5, numValues);
        c.i64(6, uncompressed);
        c.i64(7, size);
        c.i64(9, offset);
      });
    };
  };

  const footer = new Compact();
  for (let g = 0; g < ids.length || (g === 0 && ids.length === 0); g += groupSize) {
    const gi = ids.slice(g, g + groupSize);
    const gf = features.slice(g, g + groupSize);
    const groupStart = chunks.length;
    const idBytes: number[] = [];
    for (const id of gi) {
      if (idType === 'string') {
        const b = new TextEncoder().encode(String(id));
        idBytes.push(b.length & 0xff, (b.length >> 8) & 0xff, 0, 0, ...b);
      } else {
        const b = new Uint8Array(idType === 'int32' ? 4 : 8);
        const v = new DataView(b.buffer);
        if (idType === 'int32') v.setInt32(0, Number(id), true);
        else v.setBigInt64(0, BigInt(id), true);
        idBytes.push(...b);
      }
    }
    const idMeta = column(PHYSICAL[idType], ['id'], gi.length, Uint8Array.from(idBytes));
    const rep: number[] = [];
    const def: number[] = [];
    const floats: number[] = [];
    for (const row of gf) {
      if (row === null) {
        rep.push(0);
        def.push(0);
      } else if (row.length === 0) {
        rep.push(0);
        def.push(1);
      } else {
        row.forEach((x, k) => {
          rep.push(k === 0 ? 0 : 1);
          def.push(2);
          floats.push(x);
        });
      }
    }
    const values = new Uint8Array(floats.length * 4);
    const fv = new DataView(values.buffer);
    floats.forEach((x, k) => fv.setFloat32(k * 4, x, true));
    const featureMeta = column(
      4,
      ['features', 'list', 'element'],
      rep.length,
      Uint8Array.from([...levels(rep), ...levels(def), ...values]),
    );
    const groupBytes = chunks.length - groupStart;
    rowGroups.push(() => {
      footer.listStruct(1, [() => idMeta(footer), () => featureMeta(footer)]);
      footer.i64(2, groupBytes);
      footer.i64(3, gi.length);
    });
    if (ids.length === 0) break;
  }
  footer.i32(1, 1); // version
  footer.listStruct(2, [
    () => {
      footer.string(4, 'spark_schema');
      footer.i32(5, 2);
    },
    () => {
      footer.i32(1, PHYSICAL[idType]);
      footer.i32(3, 0); // REQUIRED
      footer.string(4, 'id');
      if (idType === 'string') footer.i32(6, 0); // UTF8
    },
    () => {
      footer.i32(3, 1); // OPTIONAL
      footer.string(4, 'features');
      footer.i32(5, 1);
      footer.i32(6, 3); // LIST
    },
    () => {
      footer.i32(3, 2); // REPEATED
      footer.string(4, 'list');
      footer.i32(5, 1);
    },
    () => {
      footer.i32(1, 4); // FLOAT
      footer.i32(3, 0); // REQUIRED
      footer.string(4, 'element');
    },
  ]);
  footer.i64(3, ids.length);
  footer.listStruct(4, rowGroups);
  footer.string(6, 'edgepick test writer (parquet-format spec)');
  const meta = footer.end();
  const len = meta.length;
  return Uint8Array.from([...chunks, ...meta, len & 0xff, (len >> 8) & 0xff, (len >> 16) & 0xff, len >>> 24, 0x50, 0x41, 0x52, 0x31]);
}
