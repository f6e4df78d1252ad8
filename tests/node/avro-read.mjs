// avro-read.mjs - an independent reader of Avro object container files (the
// connector's AvroFormat output), with avsc.
//
// Owns: nothing. Never uses the project's own code: with
// tests/integration/check/avro_read.py (python3-avro) it is the judge.
//
// Usage: node tests/node/avro-read.mjs [--schema | --codec] FILE...
// Prints every record of the files, in the order given, one canonical JSON
// value per line (the convention is described atop avro-common.mjs: bytes
// and fixed as {"$bytes": base64}, decimals as decimal strings with `scale`
// fraction digits, dates as days, times and timestamps as ints, longs as
// numbers or, beyond 2^53, strings, unions unwrapped). Records keep their
// field order; nothing else is printed.
//   --schema  prints each file's writer schema instead (one compact JSON line
//             per file, as stored in its header)
//   --codec   prints each file's codec instead (null, deflate, snappy)
// Codecs read: null, deflate, snappy (the CRC32 after each block is checked).
// Exit status: 0 when every file was read whole, 1 when one is not a valid
// container file (the message names it), 2 on a usage error.
import avro from 'avsc';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { avroSnappyCodec, makeRenderer, parseSchema } from './avro-common.mjs';

const args = process.argv.slice(2);
let mode = 'records';
while (args[0] === '--schema' || args[0] === '--codec') mode = args.shift().slice(2);
if (args.length === 0 || args.some((a) => a.startsWith('--'))) {
  process.stderr.write('usage: node tests/node/avro-read.mjs [--schema | --codec] FILE...\n');
  process.exit(2);
}

process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const codecs = { null: (buf, cb) => cb(null, buf), deflate: zlib.inflateRaw, snappy: avroSnappyCodec };

async function write(text) {
  if (!process.stdout.write(text)) await new Promise((resolve) => process.stdout.once('drain', resolve));
}

function readFile(file) {
  // createFileDecoder's own read stream reports errors nowhere we listen.
  if (!fs.statSync(file).isFile()) return Promise.reject(new Error('not a regular file'));
  return new Promise((resolve, reject) => {
    let render = null;
    let lines = [];
    let done = false;
    const fail = (e) => {
      if (done) return;
      done = true;
      reject(e);
    };
    const dec = avro.createFileDecoder(file, {
      codecs,
      // The writer schema as avsc types of our own making (wrapped unions,
      // 64-bit longs, decimals known); the decoder takes a Type as it is.
      parseHook: (schema) => {
        const { type, info } = parseSchema(schema);
        render = makeRenderer(type, info);
        return type;
      },
    });
    dec.on('metadata', (type, codec, header) => {
      if (mode === 'schema') lines.push(`${JSON.stringify(JSON.parse(header.meta['avro.schema'].toString()))}\n`);
      if (mode === 'codec') lines.push(`${codec}\n`);
    });
    dec.on('data', (v) => {
      if (mode !== 'records') return;
      try {
        lines.push(`${JSON.stringify(render(v))}\n`);
      } catch (e) {
        fail(e);
      }
    });
    dec.on('error', fail);
    dec.on('end', () => {
      if (done) return;
      done = true;
      // avsc stops silently at a partial last block: bytes it left over mean
      // the file is cut short.
      const tap = dec._tap;
      const left = tap && tap.buf ? tap.buf.length - tap.pos : 0;
      if (render === null) reject(new Error('no Avro header (empty file?)'));
      else if (left > 0) reject(new Error(`${left} bytes after the last whole block (truncated file?)`));
      else resolve(lines.join(''));
    });
    lines = [];
  });
}

let status = 0;
for (const file of args) {
  try {
    await write(await readFile(file));
  } catch (e) {
    process.stderr.write(`avro-read: ${file}: ${e.message}\n`);
    status = 1;
    break;
  }
}
process.exitCode = status;
