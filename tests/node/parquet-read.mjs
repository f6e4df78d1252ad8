// parquet-read.mjs - two independent readers of the connector's Parquet files:
// DuckDB (@duckdb/node-api, read_parquet) and parquet-wasm (the Rust arrow-rs
// Parquet reader compiled to WebAssembly, decoded with apache-arrow).
//
// Owns: its own DuckDB in-memory instance; nothing else. Never uses the
// project's own code and never installs a DuckDB extension: it is the judge.
//
// Usage: node tests/node/parquet-read.mjs [--reader duckdb|wasm|both] FILE...
//        node tests/node/parquet-read.mjs --meta FILE
// Prints every row of every FILE (files in the order given, rows in file
// order) as one line of canonical JSON, columns in schema order:
//   int8..int32, float, double  number (NaN, Infinity as strings)
//   int64                       number when |v| <= 2^53-1, else a string of digits
//   string                      string
//   binary (not a string)       {"$bytes": "<base64>"}
//   decimal                     string with exactly `scale` fraction digits: "-1.23"
//   date                        days since 1970-01-01
//   time                        milliseconds since midnight
//   timestamp                   milliseconds since the epoch (UTC)
//   list                        array
//   map                         object when the keys are strings, else [[key, value], ...]
//   struct                      object
// With --reader both (the default) the two readers must agree line by line,
// else the exit status is 1 naming the first difference. --meta prints one
// JSON line per column chunk from DuckDB's parquet_metadata(): row_group_id,
// path_in_schema, type, num_values, compression, encodings, stats_min
// and stats_max (DuckDB's stats_min_value / stats_max_value), stats_null_count, and a first line {"row_groups": N,
// "key_value": {...}} from parquet_kv_metadata(). --schema prints one line per schema element from DuckDB's
// parquet_schema(), root first, depth-first: "name type repetition children converted_type logical field_id"
// with "-" for what is absent (type of a group, repetition of the root, ...).
// Exit status 2 on usage errors or an unreadable file.
import { DuckDBInstance } from '@duckdb/node-api';
import * as arrow from 'apache-arrow';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function usage(msg) {
  if (msg) process.stderr.write(`parquet-read: ${msg}\n`);
  process.stderr.write('usage: node tests/node/parquet-read.mjs [--reader duckdb|wasm|both] FILE... | --meta FILE | --schema FILE\n');
  process.exit(2);
}

const SAFE = 2n ** 53n - 1n;

function int64(v) {
  const b = BigInt(v);
  return b >= -SAFE && b <= SAFE ? Number(b) : b.toString();
}

function num(x) {
  if (typeof x === 'bigint') return int64(x);
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return x;
}

function decimal(unscaled, scale) {
  const neg = unscaled < 0n;
  let digits = (neg ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  }
  return (neg ? '-' : '') + digits;
}

function bytes(u8) {
  return { $bytes: Buffer.from(u8).toString('base64') };
}

function mapOut(pairs) {
  if (pairs.every(([k]) => typeof k === 'string')) {
    const o = {};
    for (const [k, v] of pairs) o[k] = v;
    return o;
  }
  return pairs;
}

// ---- DuckDB ---------------------------------------------------------------

function fromDuck(v, t) {
  if (v === null || v === undefined) return null;
  const id = t.typeId;
  const T = (name) => id === (t.constructor.DuckDBTypeId ?? DT)[name];
  switch (id) {
    case DT.BOOLEAN:
      return v;
    case DT.TINYINT: case DT.SMALLINT: case DT.INTEGER: case DT.UTINYINT: case DT.USMALLINT: case DT.UINTEGER:
    case DT.FLOAT: case DT.DOUBLE:
      return num(v);
    case DT.BIGINT: case DT.UBIGINT: case DT.HUGEINT:
      return int64(v);
    case DT.VARCHAR:
      return v;
    case DT.BLOB:
      return bytes(v.bytes);
    case DT.DECIMAL:
      return decimal(BigInt(v.value), t.scale);
    case DT.DATE:
      return v.days;
    case DT.TIME:
      return Number(BigInt(v.micros) / 1000n);
    case DT.TIME_TZ: // a UTC-adjusted TIME: the offset is 0
      return Number(BigInt(v.micros) / 1000n) - v.offset * 1000;
    case DT.TIMESTAMP: case DT.TIMESTAMP_TZ:
      return int64(BigInt(v.micros) / 1000n);
    case DT.TIMESTAMP_MS:
      return int64(v.millis);
    case DT.LIST:
      return v.items.map((x) => fromDuck(x, t.valueType));
    case DT.MAP:
      return mapOut(v.entries.map((e) => [fromDuck(e.key, t.keyType), fromDuck(e.value, t.valueType)]));
    case DT.STRUCT: {
      const o = {};
      t.entryNames.forEach((name, i) => { o[name] = fromDuck(v.entries[name], t.entryTypes[i]); });
      return o;
    }
    default:
      void T;
      throw new Error(`DuckDB type ${t.toString()} not handled`);
  }
}

let DT;

async function duckRows(files) {
  const duck = await import('@duckdb/node-api');
  DT = duck.DuckDBTypeId;
  const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
  const con = await inst.connect();
  const out = [];
  for (const f of files) {
    const reader = await con.runAndReadAll(`SELECT * FROM read_parquet('${f.replace(/'/g, "''")}', hive_partitioning = false)`);
    const names = reader.columnNames();
    const types = reader.columnTypes();
    for (const row of reader.getRows()) {
      const o = {};
      names.forEach((n, i) => { o[n] = fromDuck(row[i], types[i]); });
      out.push(JSON.stringify(o));
    }
  }
  return out;
}

async function duckMeta(file) {
  const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
  const con = await inst.connect();
  const q = file.replace(/'/g, "''");
  const rg = await con.runAndReadAll(`SELECT count(DISTINCT row_group_id)::INTEGER AS n FROM parquet_metadata('${q}')`);
  const kv = await con.runAndReadAll(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${q}')`);
  const kvo = {};
  for (const [k, v] of kv.getRows()) kvo[k] = v;
  const lines = [JSON.stringify({ row_groups: rg.getRows()[0][0], key_value: kvo })];
  const md = await con.runAndReadAll(`SELECT row_group_id::INTEGER, path_in_schema, type, num_values::BIGINT,
      compression, encodings, stats_min_value, stats_max_value, stats_null_count::BIGINT FROM parquet_metadata('${q}')
      ORDER BY row_group_id, column_id`);
  const names = ['row_group_id', 'path_in_schema', 'type', 'num_values', 'compression', 'encodings', 'stats_min',
    'stats_max', 'stats_null_count'];
  for (const row of md.getRows()) {
    const o = {};
    names.forEach((n, i) => { o[n] = typeof row[i] === 'bigint' ? int64(row[i]) : row[i]; });
    lines.push(JSON.stringify(o));
  }
  return lines;
}

async function duckSchema(file) {
  const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
  const con = await inst.connect();
  const q = file.replace(/'/g, "''");
  const r = await con.runAndReadAll(`SELECT name, type, repetition_type, num_children::INTEGER, converted_type,
      logical_type, field_id::INTEGER FROM parquet_schema('${q}')`);
  return r.getRows().map((row) => row.map((v) => (v === null || v === undefined || v === '' ? '-' : String(v)))
    .join(' '));
}

// ---- parquet-wasm + apache-arrow -------------------------------------------

const MS_PER_DAY = 86400000;

// arrow-rs reads an ENUM-annotated BYTE_ARRAY column (parquet-protobuf's enums) as Binary, DuckDB as a string:
// the wasm side decodes the bytes of fields named like an ENUM column of the file (names from DuckDB's
// parquet_schema) as UTF-8.
const utf8 = new TextDecoder('utf-8', { fatal: true });

function fromArrow(v, type, enumField) {
  if (v === null || v === undefined) return null;
  if (enumField && (type.typeId === arrow.Type.Binary || type.typeId === arrow.Type.LargeBinary)) return utf8.decode(v);
  const T = arrow.Type;
  switch (type.typeId) {
    case T.Bool:
      return v;
    case T.Int: case T.Float:
      return num(v);
    case T.Utf8: case T.LargeUtf8:
      return v;
    case T.Binary: case T.LargeBinary: case T.FixedSizeBinary:
      return bytes(v);
    case T.Decimal: {
      // the unscaled value as 32-bit little-endian words, two's complement
      const words = new Uint32Array(v.buffer ?? v, v.byteOffset ?? 0, type.bitWidth / 32);
      let n = 0n;
      for (let i = words.length - 1; i >= 0; i--) n = (n << 32n) | BigInt(words[i]);
      if (n >> BigInt(type.bitWidth - 1)) n -= 1n << BigInt(type.bitWidth);
      return decimal(n, type.scale);
    }
    case T.Date:
      return Math.round(Number(v) / (type.unit === arrow.DateUnit.DAY ? MS_PER_DAY : MS_PER_DAY));
    case T.Time: {
      const x = BigInt(v);
      const ms = { [arrow.TimeUnit.SECOND]: x * 1000n, [arrow.TimeUnit.MILLISECOND]: x,
        [arrow.TimeUnit.MICROSECOND]: x / 1000n, [arrow.TimeUnit.NANOSECOND]: x / 1000000n }[type.unit];
      return Number(ms);
    }
    case T.Timestamp: {
      // apache-arrow returns timestamps as epoch milliseconds (a number) whatever the unit
      return int64(BigInt(Math.round(Number(v))));
    }
    case T.List: case T.LargeList: case T.FixedSizeList:
      return Array.from(v, (x) => fromArrow(x, type.children[0].type, enumField));
    case T.Map: {
      const entry = type.children[0].type;
      const kt = entry.children[0].type;
      const vt = entry.children[1].type;
      const pairs = [];
      for (const [k, x] of v) pairs.push([fromArrow(k, kt), fromArrow(x, vt)]);
      return mapOut(pairs);
    }
    case T.Struct: {
      const o = {};
      for (const f of type.children) o[f.name] = fromArrow(v[f.name], f.type, enumNames.has(f.name));
      return o;
    }
    default:
      throw new Error(`Arrow type ${type} not handled`);
  }
}

let enumNames = new Set();

async function duckEnumNames(file) {
  const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
  const con = await inst.connect();
  const q = file.replace(/'/g, "''");
  const r = await con.runAndReadAll(`SELECT name FROM parquet_schema('${q}') WHERE converted_type = 'ENUM'`);
  return new Set(r.getRows().map((row) => row[0]));
}

async function wasmRows(files) {
  const pq = require('parquet-wasm');
  const out = [];
  for (const f of files) {
    enumNames = await duckEnumNames(f);
    const wasmTable = pq.readParquet(new Uint8Array(fs.readFileSync(f)));
    const table = arrow.tableFromIPC(wasmTable.intoIPCStream());
    const fields = table.schema.fields;
    for (let i = 0; i < table.numRows; i++) {
      const row = table.get(i);
      const o = {};
      for (const fld of fields) o[fld.name] = fromArrow(row[fld.name], fld.type, enumNames.has(fld.name));
      out.push(JSON.stringify(o));
    }
  }
  return out;
}

// ---- main -------------------------------------------------------------------

const args = process.argv.slice(2);
let reader = 'both';
if (args[0] === '--meta') {
  if (args.length !== 2) usage('--meta takes one file');
  for (const l of await duckMeta(args[1])) process.stdout.write(`${l}\n`);
  process.exit(0);
}
if (args[0] === '--schema') {
  if (args.length !== 2) usage('--schema takes one file');
  for (const l of await duckSchema(args[1])) process.stdout.write(`${l}\n`);
  process.exit(0);
}
if (args[0] === '--reader') {
  reader = args[1];
  args.splice(0, 2);
  if (!['duckdb', 'wasm', 'both'].includes(reader)) usage(`unknown reader ${reader}`);
}
if (!args.length) usage('no file given');
for (const f of args) if (!fs.existsSync(f)) usage(`no such file: ${f}`);

let lines;
try {
  if (reader === 'wasm') {
    lines = await wasmRows(args);
  } else {
    lines = await duckRows(args);
    if (reader === 'both') {
      const w = await wasmRows(args);
      for (let i = 0; i < Math.max(w.length, lines.length); i++) {
        if (w[i] !== lines[i]) {
          process.stderr.write(`parquet-read: the readers disagree at row ${i + 1}:\n  duckdb: ${lines[i]}\n  wasm:   ${w[i]}\n`);
          process.exit(1);
        }
      }
    }
  }
} catch (e) {
  process.stderr.write(`parquet-read: ${e.message ?? e}\n`);
  process.exit(2);
}
for (const l of lines) process.stdout.write(`${l}\n`);
