// avro-common.mjs - the canonical JSON form of Avro data shared by the test
// tools avro-produce.mjs (canonical JSON -> Avro binary) and avro-read.mjs
// (Avro object container files -> canonical JSON).
//
// Owns: nothing but pure functions over avsc types. Never uses the project's
// own code: together with tests/integration/check/avro_read.py (python3-avro)
// it is the judge of what the connector writes.
//
// The canonical form: one JSON value per Avro datum, decided by the schema.
//   null                   null
//   boolean                true / false
//   int                    number (also with logicalType date: days since
//                          1970-01-01; time-millis: ms after midnight)
//   long                   number when |v| <= 2^53-1 (Number.isSafeInteger),
//                          else a string of the decimal digits, e.g.
//                          "9223372036854775807" (also timestamp-millis: ms
//                          since the epoch, time-micros, timestamp-micros)
//   float, double          number (the shortest text that reads back the
//                          same double; a float is its exact float32 value
//                          as a double, e.g. 0.1f is 0.10000000149011612);
//                          NaN and the infinities: the strings "NaN",
//                          "Infinity", "-Infinity"
//   string                 string (also logicalType uuid)
//   bytes, fixed           {"$bytes": "<standard base64, padded>"}
//   decimal (bytes/fixed)  string: the value in plain notation with exactly
//                          `scale` digits after the point (none and no point
//                          when scale is 0), '-' for negatives, at least one
//                          digit before the point: "0.00", "-0.05",
//                          "12345678.90". A decimal annotation is valid only
//                          with an integer precision >= 1 and 0 <= scale <=
//                          precision (else the bytes are rendered as bytes,
//                          as the Avro spec says).
//   enum                   string: the symbol
//   array                  array
//   map                    object (keys in the order stored)
//   record                 object, fields in schema order
//   union                  the branch's value, unwrapped (no {"type": v})
// The input of avro-produce.mjs is the same form (a long may also be given
// as a number when safe, a decimal with fewer fraction digits than its
// scale; a union takes the first branch that accepts the value).
import avro from 'avsc';
import zlib from 'node:zlib';

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function bigLongType() {
  return avro.types.LongType.__with({
    fromBuffer: (buf) => buf.readBigInt64LE(0),
    toBuffer: (n) => {
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(BigInt.asIntN(64, BigInt(n)), 0);
      return b;
    },
    fromJSON: (x) => BigInt(x),
    toJSON: (n) => longToJson(n),
    isValid: (n) => typeof n === 'bigint' && n >= INT64_MIN && n <= INT64_MAX,
    compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  });
}

export function longToJson(n) {
  const b = BigInt(n);
  return b >= -SAFE && b <= SAFE ? Number(b) : b.toString();
}

function validDecimal(s) {
  const { precision, scale = 0 } = s;
  return Number.isInteger(precision) && precision >= 1 && Number.isInteger(scale) && scale >= 0 && scale <= precision;
}

// parseSchema(schema): the avsc type for a schema (JSON value or text), with
// unions wrapped (so the branch is always known), longs as BigInt (64 bits,
// no precision loss) and no logical types of avsc's own; info.decimal maps
// the bytes/fixed types annotated as valid decimals to {precision, scale}.
export function parseSchema(schema) {
  if (typeof schema === 'string') schema = JSON.parse(schema);
  const decimal = new WeakMap();
  const type = avro.Type.forSchema(schema, {
    wrapUnions: true,
    typeHook(s, opts) {
      if (s === 'long' || (s && typeof s === 'object' && !Array.isArray(s) && s.type === 'long')) {
        return bigLongType();
      }
      if (s && typeof s === 'object' && !Array.isArray(s) && s.logicalType === 'decimal' &&
          (s.type === 'bytes' || s.type === 'fixed') && validDecimal(s)) {
        const plain = { ...s };
        delete plain.logicalType;
        const t = avro.Type.forSchema(plain, opts);
        decimal.set(t, { precision: s.precision, scale: s.scale ?? 0 });
        return t;
      }
      return undefined;
    },
  });
  return { type, info: { decimal } };
}

// ---- decimals -------------------------------------------------------------

// Big-endian two's complement bytes -> BigInt.
export function bytesToBigInt(buf) {
  if (buf.length === 0) return 0n;
  let n = 0n;
  for (const b of buf) n = (n << 8n) | BigInt(b);
  if (buf[0] & 0x80) n -= 1n << BigInt(8 * buf.length);
  return n;
}

// BigInt -> the shortest big-endian two's complement bytes (Java's
// BigInteger.toByteArray), or exactly `size` bytes (sign-extended) for fixed.
export function bigIntToBytes(n, size) {
  const out = [];
  let v = n;
  for (;;) {
    out.unshift(Number(BigInt.asUintN(8, v)));
    v >>= 8n;
    const top = out[0] & 0x80;
    if ((v === 0n && !top) || (v === -1n && top)) break;
  }
  if (size !== undefined) {
    if (out.length > size) throw new Error(`decimal needs ${out.length} bytes, fixed has ${size}`);
    while (out.length < size) out.unshift(n < 0n ? 0xff : 0);
  }
  return Buffer.from(out);
}

export function decimalToString(unscaled, scale) {
  const neg = unscaled < 0n;
  let digits = (neg ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return neg ? `-${digits}` : digits;
}

// "-123.4" with scale 2 -> -12340n; more fraction digits than scale, or more
// digits than precision: an error.
export function stringToUnscaled(s, scale, precision) {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) throw new Error(`not a decimal string: ${JSON.stringify(s)}`);
  const frac = m[3] || '';
  if (frac.length > scale) throw new Error(`${s} has more than ${scale} fraction digits`);
  const unscaled = BigInt(m[2] + frac.padEnd(scale, '0'));
  const ndigits = unscaled.toString().length;
  if (precision !== undefined && unscaled !== 0n && ndigits > precision) {
    throw new Error(`${s} has more than ${precision} digits`);
  }
  return m[1] ? -unscaled : unscaled;
}

// ---- rendering: avsc value -> canonical JSON value -------------------------

function floatToJson(x) {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return x;
}

// makeRenderer(type, info): a function from the values avsc decodes (with
// parseSchema's type) to their canonical JSON value.
export function makeRenderer(root, info) {
  const memo = new Map();
  function compile(t) {
    if (memo.has(t)) return memo.get(t);
    let fn;
    // Recursive types: the memo holds a forwarder until the real one is made.
    const fwd = (v) => fn(v);
    memo.set(t, fwd);
    const dec = info.decimal.get(t);
    switch (t.typeName) {
      case 'null':
        fn = () => null;
        break;
      case 'boolean':
      case 'int':
      case 'string':
      case 'enum':
        fn = (v) => v;
        break;
      case 'abstract:long':
      case 'long':
        fn = (v) => longToJson(v);
        break;
      case 'float':
      case 'double':
        fn = floatToJson;
        break;
      case 'bytes':
      case 'fixed':
        fn = dec
          ? (v) => decimalToString(bytesToBigInt(v), dec.scale)
          : (v) => ({ $bytes: v.toString('base64') });
        break;
      case 'array': {
        const item = compile(t.getItemsType());
        fn = (v) => v.map(item);
        break;
      }
      case 'map': {
        const val = compile(t.getValuesType());
        fn = (v) => {
          const o = {};
          for (const k of Object.keys(v)) o[k] = val(v[k]);
          return o;
        };
        break;
      }
      case 'record':
      case 'error': {
        const fields = t.getFields().map((f) => [f.getName(), compile(f.getType())]);
        fn = (v) => {
          const o = {};
          for (const [name, r] of fields) o[name] = r(v[name]);
          return o;
        };
        break;
      }
      case 'union:wrapped': {
        const byName = new Map(t.getTypes().map((b) => [b.branchName, compile(b)]));
        fn = (v) => {
          if (v === null) return null;
          const k = Object.keys(v)[0];
          const r = byName.get(k);
          if (!r) throw new Error(`union value with unknown branch ${k}`);
          return r(v[k]);
        };
        break;
      }
      default:
        throw new Error(`unsupported Avro type ${t.typeName}`);
    }
    return fwd;
  }
  return compile(root);
}

// ---- encoding: canonical JSON value -> avsc value ---------------------------

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function fromBytesJson(v, what) {
  if (!isPlainObject(v) || Object.keys(v).length !== 1 || typeof v.$bytes !== 'string') {
    throw new Error(`${what}: expected {"$bytes": base64}, got ${JSON.stringify(v)}`);
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v.$bytes) || v.$bytes.length % 4 !== 0) {
    throw new Error(`${what}: bad base64 ${JSON.stringify(v.$bytes)}`);
  }
  return Buffer.from(v.$bytes, 'base64');
}

function toFloat(v, what) {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  throw new Error(`${what}: expected a number, got ${JSON.stringify(v)}`);
}

// makeEncoder(type, info): a function from a canonical JSON value to the
// value avsc encodes with parseSchema's type; throws on a value that does not
// fit the schema (path in the message).
export function makeEncoder(root, info) {
  const memo = new Map();
  function compile(t) {
    if (memo.has(t)) return memo.get(t);
    let fn;
    const fwd = (v, path) => fn(v, path);
    memo.set(t, fwd);
    const dec = info.decimal.get(t);
    switch (t.typeName) {
      case 'null':
        fn = (v, p) => {
          if (v !== null) throw new Error(`${p}: expected null`);
          return null;
        };
        break;
      case 'boolean':
        fn = (v, p) => {
          if (typeof v !== 'boolean') throw new Error(`${p}: expected a boolean`);
          return v;
        };
        break;
      case 'int':
        fn = (v, p) => {
          if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) throw new Error(`${p}: expected an int`);
          return v;
        };
        break;
      case 'abstract:long':
        fn = (v, p) => {
          let n;
          if (Number.isSafeInteger(v)) n = BigInt(v);
          else if (typeof v === 'string' && /^-?\d+$/.test(v)) n = BigInt(v);
          else throw new Error(`${p}: expected a long (a safe integer or a string of digits)`);
          if (n < INT64_MIN || n > INT64_MAX) throw new Error(`${p}: ${v} is out of the long range`);
          return n;
        };
        break;
      case 'float':
      case 'double':
        fn = (v, p) => toFloat(v, p);
        break;
      case 'string':
        fn = (v, p) => {
          if (typeof v !== 'string') throw new Error(`${p}: expected a string`);
          return v;
        };
        break;
      case 'bytes':
        fn = dec
          ? (v, p) => {
              if (typeof v !== 'string') throw new Error(`${p}: expected a decimal string`);
              return bigIntToBytes(stringToUnscaled(v, dec.scale, dec.precision));
            }
          : (v, p) => fromBytesJson(v, p);
        break;
      case 'fixed': {
        const size = t.getSize();
        fn = dec
          ? (v, p) => {
              if (typeof v !== 'string') throw new Error(`${p}: expected a decimal string`);
              return bigIntToBytes(stringToUnscaled(v, dec.scale, dec.precision), size);
            }
          : (v, p) => {
              const b = fromBytesJson(v, p);
              if (b.length !== size) throw new Error(`${p}: fixed needs ${size} bytes, got ${b.length}`);
              return b;
            };
        break;
      }
      case 'enum': {
        const symbols = new Set(t.getSymbols());
        fn = (v, p) => {
          if (!symbols.has(v)) throw new Error(`${p}: ${JSON.stringify(v)} is not a symbol of ${t.name}`);
          return v;
        };
        break;
      }
      case 'array': {
        const item = compile(t.getItemsType());
        fn = (v, p) => {
          if (!Array.isArray(v)) throw new Error(`${p}: expected an array`);
          return v.map((x, i) => item(x, `${p}[${i}]`));
        };
        break;
      }
      case 'map': {
        const val = compile(t.getValuesType());
        fn = (v, p) => {
          if (!isPlainObject(v) || '$bytes' in v) throw new Error(`${p}: expected an object (map)`);
          const o = {};
          for (const k of Object.keys(v)) o[k] = val(v[k], `${p}.${k}`);
          return o;
        };
        break;
      }
      case 'record':
      case 'error': {
        const fields = t.getFields().map((f) => ({ name: f.getName(), enc: compile(f.getType()), field: f }));
        const names = new Set(fields.map((f) => f.name));
        fn = (v, p) => {
          if (!isPlainObject(v)) throw new Error(`${p}: expected an object (record ${t.name})`);
          for (const k of Object.keys(v)) {
            if (!names.has(k)) throw new Error(`${p}: ${t.name} has no field ${k}`);
          }
          const o = {};
          for (const f of fields) {
            if (Object.hasOwn(v, f.name)) {
              o[f.name] = f.enc(v[f.name], `${p}.${f.name}`);
            } else {
              const d = f.field.defaultValue(); // undefined: the field has no default
              if (d === undefined) throw new Error(`${p}: missing field ${f.name} (no default)`);
              o[f.name] = d;
            }
          }
          return o;
        };
        break;
      }
      case 'union:wrapped': {
        const branches = t.getTypes().map((b) => ({ name: b.branchName, enc: compile(b) }));
        fn = (v, p) => {
          const errs = [];
          for (const b of branches) {
            try {
              const x = b.enc(v, p);
              return b.name === 'null' ? null : { [b.name]: x };
            } catch (e) {
              errs.push(`${b.name}: ${e.message}`);
            }
          }
          throw new Error(`${p}: no union branch accepts ${JSON.stringify(v)} (${errs.join('; ')})`);
        };
        break;
      }
      default:
        throw new Error(`unsupported Avro type ${t.typeName}`);
    }
    return fwd;
  }
  const enc = compile(root);
  return (v) => enc(v, '$');
}

// ---- the snappy codec of Avro object container files ---------------------

// Raw snappy (the block format, no framing) -> Buffer.
export function snappyUncompress(src) {
  let pos = 0;
  let len = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= src.length || shift > 28) throw new Error('snappy: bad length varint');
    const b = src[pos++];
    len += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) break;
  }
  const out = Buffer.alloc(len);
  let op = 0;
  while (pos < src.length) {
    const tag = src[pos++];
    const kind = tag & 3;
    let n;
    let off;
    if (kind === 0) {
      n = tag >>> 2;
      if (n >= 60) {
        const nb = n - 59;
        if (pos + nb > src.length) throw new Error('snappy: truncated literal length');
        n = 0;
        for (let i = 0; i < nb; i++) n += src[pos + i] * 2 ** (8 * i);
        pos += nb;
      }
      n += 1;
      if (pos + n > src.length || op + n > len) throw new Error('snappy: literal overruns');
      src.copy(out, op, pos, pos + n);
      pos += n;
      op += n;
      continue;
    }
    if (kind === 1) {
      if (pos >= src.length) throw new Error('snappy: truncated copy');
      n = 4 + ((tag >>> 2) & 7);
      off = ((tag >>> 5) << 8) | src[pos++];
    } else if (kind === 2) {
      if (pos + 2 > src.length) throw new Error('snappy: truncated copy');
      n = 1 + (tag >>> 2);
      off = src.readUInt16LE(pos);
      pos += 2;
    } else {
      if (pos + 4 > src.length) throw new Error('snappy: truncated copy');
      n = 1 + (tag >>> 2);
      off = src.readUInt32LE(pos);
      pos += 4;
    }
    if (off === 0 || off > op || op + n > len) throw new Error('snappy: bad copy');
    // Byte by byte: a copy may overlap its own output.
    for (let i = 0; i < n; i++, op++) out[op] = out[op - off];
  }
  if (op !== len) throw new Error(`snappy: ${op} bytes, header says ${len}`);
  return out;
}

// Avro's snappy block: snappy data, then the CRC32 of the uncompressed data
// (4 bytes, big-endian).
export function avroSnappyCodec(buf, cb) {
  try {
    if (buf.length < 4) throw new Error('snappy block shorter than its checksum');
    const data = snappyUncompress(buf.subarray(0, buf.length - 4));
    if (typeof zlib.crc32 === 'function') {
      const want = buf.readUInt32BE(buf.length - 4);
      const got = zlib.crc32(data) >>> 0;
      if (want !== got) throw new Error(`snappy block checksum ${want.toString(16)}, data has ${got.toString(16)}`);
    }
    cb(null, data);
  } catch (e) {
    cb(e);
  }
}
