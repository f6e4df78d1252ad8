// avro-produce.mjs - encodes records the way Confluent's KafkaAvroSerializer
// does, with avsc (independent of the project's code), as frames for
// build/kco-produce (tools/produce.c).
//
// Owns: nothing but its stdout. Registers the schema(s) at the registry over
// HTTP before writing a frame; never writes a frame for a record that does
// not fit the schema (it exits 1 naming the line instead).
//
// Usage: node tests/node/avro-produce.mjs --schema FILE.avsc --records FILE.jsonl
//          --topic T --registry URL [--user USER:PASSWORD] [--subject S]
//          [--key-schema FILE.avsc --keys FILE.jsonl | --keys FILE.txt]
//          [--corrupt N [--corrupt-kinds magic,id,truncated,short]]
//          [--manifest FILE]
//
// Records: one JSON value per line in the canonical form of avro-common.mjs
// (the same form avro-read.mjs prints, so a corpus is its own expected
// output): bytes and fixed as {"$bytes": base64}; decimals as strings
// ("-123.45"; fewer fraction digits than the scale are padded); longs as
// numbers, or strings of digits beyond 2^53 ("9223372036854775807"); dates,
// times and timestamps as their ints; enums as symbol strings; unions
// unwrapped (the first branch that accepts the value is used); a missing
// record field takes its default. Blank lines are skipped. A line `null` is a
// tombstone (a null value), as the serializer makes of a null.
//
// Wire format of each value: 0x00, the schema id (4 bytes, big-endian), the
// Avro binary datum. The schema is registered with POST
// /subjects/<subject>/versions, subject "<topic>-value" (TopicNameStrategy)
// unless --subject; keys with --key-schema go to "<topic>-key" the same way.
// --keys FILE without --key-schema: each line is the key as raw UTF-8 bytes
// (no Avro); an empty line is an empty key. Without --keys keys are null.
// Keys must have as many lines as the records.
//
// --corrupt N: every N-th record (the N-th, 2N-th, ...; 1-based) is replaced
// by a bad message, the kinds taken in turn from --corrupt-kinds (default
// magic,id,truncated):
//   magic      the good message with magic byte 0x01
//   id         magic 0x00 and schema id 2147483000 (never registered), then
//              the good datum
//   truncated  the good message cut after the id and half the datum (at
//              least one datum byte missing)
//   short      the first 3 bytes of the good message (no whole id)
// --manifest FILE: one JSON line per record written: {"index": i (0-based),
//   "kind": "good"|"tombstone"|<bad kind>}.
//
// Output: frames on stdout, as tools/produce.c reads them: u32 key length
// (0xFFFFFFFF: null), key, u32 value length (0xFFFFFFFF: null), value, u32
// header count (always 0 here); integers big-endian. On stderr, when done:
// VALUE_SCHEMA_ID=N, KEY_SCHEMA_ID=N (with --key-schema), FRAMES=N, BAD=N.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { makeEncoder, parseSchema } from './avro-common.mjs';

const USAGE =
  'node tests/node/avro-produce.mjs --schema FILE.avsc --records FILE.jsonl --topic T --registry URL ' +
  '[--user U:P] [--subject S] [--key-schema FILE --keys FILE | --keys FILE] [--corrupt N ' +
  '[--corrupt-kinds magic,id,truncated,short]] [--manifest FILE]';

function die(msg, usage) {
  process.stderr.write(`avro-produce: ${msg}\n`);
  if (usage) process.stderr.write(`usage: ${USAGE}\n`);
  process.exit(usage ? 2 : 1);
}

let opts;
try {
  opts = parseArgs({
    options: {
      schema: { type: 'string' },
      records: { type: 'string' },
      topic: { type: 'string' },
      registry: { type: 'string' },
      user: { type: 'string' },
      subject: { type: 'string' },
      'key-schema': { type: 'string' },
      keys: { type: 'string' },
      corrupt: { type: 'string' },
      'corrupt-kinds': { type: 'string', default: 'magic,id,truncated' },
      manifest: { type: 'string' },
    },
  }).values;
} catch (e) {
  die(e.message, true);
}
for (const k of ['schema', 'records', 'topic', 'registry']) if (!opts[k]) die(`--${k} is required`, true);
if (opts['key-schema'] && !opts.keys) die('--key-schema needs --keys', true);
const corruptEvery = opts.corrupt === undefined ? 0 : Number(opts.corrupt);
if (!Number.isInteger(corruptEvery) || corruptEvery < 0) die(`bad --corrupt ${opts.corrupt}`, true);
const KINDS = ['magic', 'id', 'truncated', 'short'];
const corruptKinds = opts['corrupt-kinds'].split(',').filter(Boolean);
for (const k of corruptKinds) if (!KINDS.includes(k)) die(`unknown corrupt kind ${k}`, true);
if (corruptEvery && corruptKinds.length === 0) die('--corrupt-kinds is empty', true);
const UNKNOWN_ID = 2147483000;

function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    die(`cannot read ${file}: ${e.message}`);
  }
  return '';
}

function readSchema(file) {
  const text = readText(file);
  try {
    const json = JSON.parse(text);
    const { type, info } = parseSchema(json);
    return { json, type, encode: makeEncoder(type, info) };
  } catch (e) {
    die(`${file}: not an Avro schema: ${e.message}`);
  }
  return null;
}

async function registerSchema(subject, schemaJson) {
  const url = `${opts.registry.replace(/\/+$/, '')}/subjects/${encodeURIComponent(subject)}/versions`;
  const headers = { 'Content-Type': 'application/vnd.schemaregistry.v1+json' };
  if (opts.user) headers.Authorization = `Basic ${Buffer.from(opts.user).toString('base64')}`;
  let res;
  let text;
  try {
    res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ schema: JSON.stringify(schemaJson) }) });
    text = await res.text();
  } catch (e) {
    die(`cannot register ${subject} at ${url}: ${e.cause?.message || e.message}`);
  }
  if (res.status !== 200) die(`registering ${subject}: HTTP ${res.status} ${text}`);
  const id = JSON.parse(text).id;
  if (!Number.isInteger(id)) die(`registering ${subject}: no id in ${text}`);
  return id;
}

// The lines of a JSON-lines file, blank ones dropped, with 1-based numbers.
function jsonLines(file) {
  const out = [];
  readText(file).split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push({ n: i + 1, value: JSON.parse(line) });
    } catch (e) {
      die(`${file}:${i + 1}: not JSON: ${e.message}`);
    }
  });
  return out;
}

function wire(id, datum) {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(id, 1);
  return Buffer.concat([head, datum]);
}

function encodeLine(s, id, file, rec) {
  let v;
  try {
    v = s.encode(rec.value);
  } catch (e) {
    die(`${file}:${rec.n}: ${e.message}`);
  }
  return wire(id, s.type.toBuffer(v));
}

function corrupt(good, kind) {
  switch (kind) {
    case 'magic': {
      const b = Buffer.from(good);
      b[0] = 1;
      return b;
    }
    case 'id': {
      const b = Buffer.from(good);
      b.writeUInt32BE(UNKNOWN_ID, 1);
      return b;
    }
    case 'truncated': {
      const datum = good.length - 5;
      if (datum < 1) die('cannot truncate a record whose datum is empty');
      return good.subarray(0, 5 + Math.floor(datum / 2));
    }
    case 'short':
      return good.subarray(0, 3);
    default:
      throw new Error(kind);
  }
}

const value = readSchema(opts.schema);
const records = jsonLines(opts.records);
const key = opts['key-schema'] ? readSchema(opts['key-schema']) : null;
let keyLines = null;
if (opts.keys) {
  if (key) {
    keyLines = jsonLines(opts.keys);
  } else {
    const lines = readText(opts.keys).split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    keyLines = lines.map((l, i) => ({ n: i + 1, raw: Buffer.from(l, 'utf8') }));
  }
  if (keyLines.length !== records.length) {
    die(`${opts.keys} has ${keyLines.length} keys for ${records.length} records`);
  }
}

const valueId = await registerSchema(opts.subject || `${opts.topic}-value`, value.json);
const keyId = key ? await registerSchema(`${opts.topic}-key`, key.json) : 0;

const manifest = opts.manifest ? fs.openSync(opts.manifest, 'w') : null;
const NULL_LEN = 0xffffffff;
let pending = [];
let pendingBytes = 0;
let frames = 0;
let bad = 0;

async function flush() {
  if (pending.length === 0) return;
  const buf = Buffer.concat(pending);
  pending = [];
  pendingBytes = 0;
  if (!process.stdout.write(buf)) await new Promise((resolve) => process.stdout.once('drain', resolve));
}

function u32(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
}

function push(buf) {
  pending.push(buf);
  pendingBytes += buf.length;
}

process.stdout.on('error', (e) => die(`stdout: ${e.message}`));

for (let i = 0; i < records.length; i++) {
  const rec = records[i];
  let k = null;
  if (keyLines) k = key ? encodeLine(key, keyId, opts.keys, keyLines[i]) : keyLines[i].raw;
  let v = null;
  let kind = 'tombstone';
  if (rec.value !== null) {
    v = encodeLine(value, valueId, opts.records, rec);
    kind = 'good';
    if (corruptEvery && (i + 1) % corruptEvery === 0) {
      kind = corruptKinds[bad % corruptKinds.length];
      v = corrupt(v, kind);
      bad++;
    }
  }
  push(u32(k === null ? NULL_LEN : k.length));
  if (k !== null) push(k);
  push(u32(v === null ? NULL_LEN : v.length));
  if (v !== null) push(v);
  push(u32(0));
  if (manifest !== null) fs.writeSync(manifest, `${JSON.stringify({ index: i, kind })}\n`);
  frames++;
  if (pendingBytes >= 1 << 20) await flush();
}
await flush();
if (manifest !== null) fs.closeSync(manifest);
process.stderr.write(
  `VALUE_SCHEMA_ID=${valueId}\n${key ? `KEY_SCHEMA_ID=${keyId}\n` : ''}FRAMES=${frames}\nBAD=${bad}\n`,
);
