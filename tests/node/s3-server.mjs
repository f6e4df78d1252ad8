// s3-server.mjs - an S3 server for the object-store tests: @20minutes/s3rver
// (4.x), which verifies SigV4 signatures (plain s3rver 3.x does not), on
// 127.0.0.1.
//
// Owns: one s3rver instance, its data directory DIR (objects and buckets in
// s3rver's own layout: DIR/<bucket>/<key>._S3rver_object plus metadata files),
// and the optional request log. Never accepts a request with a wrong
// signature (allowMismatchedSignatures stays off) and never outlives the
// test: it exits on SIGTERM, stdin EOF, or when its parent goes away.
//
// Usage: node --openssl-legacy-provider tests/node/s3-server.mjs --dir DIR
//          [--port 0] --bucket NAME... [--log FILE] [--verbose]
// (s3rver's ListObjectsV2 continuation tokens are DES-encrypted; OpenSSL 3
// has DES only in its legacy provider. Without the flag a truncated
// ListObjectsV2 answers 500 InternalError; a warning says so at start.)
// Prints LISTEN=127.0.0.1:PORT once it serves. Credentials are s3rver's
// built-in pair: access key id S3RVER, secret S3RVER (any region).
//
// s3rver facts the tests rely on (4.0.4):
// - Path style only: /BUCKET/KEY with Host 127.0.0.1:PORT. A virtual-hosted
//   Host (BUCKET.localhost:PORT) is taken as a bucket named after the whole
//   host name, and for BUCKET.s3.<service endpoint> the signature check uses
//   /BUCKET/KEY as the canonical URI (a SigV2 habit), so real SigV4 clients
//   fail there.
// - It requires x-amz-content-sha256 and a clock within 15 minutes, but does
//   not check the payload against that hash.
// - Bucket-level requests in path style must use /BUCKET (no trailing
//   slash): for /BUCKET/ it signs /BUCKET and the signature cannot match.
// - Keys with an empty segment (a//b) answer 404 (its router cannot match
//   them). A delimiter listing misses common prefixes whose objects lie more
//   than one directory below the prefix. "'" in a listed key comes back
//   escaped twice (&amp;#x27;).
// - No AbortMultipartUpload (DELETE ?uploadId: 405 MethodNotAllowed), no
//   ListMultipartUploads (GET ?uploads: 501 NotImplemented), no minimum part
//   size. Multipart parts live under DIR/<bucket> in s3rver's own files.
// --log FILE: one JSON line per request:
//   {"method","path","query","status","signer","bytes_in","bytes_out"}
//   (bytes_in and bytes_out as the Content-Length headers say)
import S3rver from '@20minutes/s3rver';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { die, jsonLog, lifetime, printListen } from './peer-common.mjs';

const USAGE =
  'node tests/node/s3-server.mjs --dir DIR [--port 0] --bucket NAME... [--log FILE] [--verbose]';
let opts;
try {
  opts = parseArgs({
    options: {
      dir: { type: 'string' },
      port: { type: 'string', default: '0' },
      bucket: { type: 'string', multiple: true, default: [] },
      log: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  }).values;
} catch (e) {
  die('s3-server', e.message, USAGE);
}
if (!opts.dir) die('s3-server', '--dir is required', USAGE);
const port = Number(opts.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) die('s3-server', `bad --port ${opts.port}`);
fs.mkdirSync(opts.dir, { recursive: true });
try {
  crypto.createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8));
} catch {
  process.stderr.write('s3-server: no DES cipher (run node with --openssl-legacy-provider): a truncated ListObjectsV2 will fail\n');
}

const log = jsonLog(opts.log);
const s3 = new S3rver({
  address: '127.0.0.1',
  port,
  directory: opts.dir,
  silent: !opts.verbose,
  configureBuckets: opts.bucket.map((name) => ({ name })),
  allowMismatchedSignatures: false,
});

let server;
try {
  await s3.run();
  server = s3.httpServer;
} catch (e) {
  die('s3-server', `cannot start: ${e.message}`);
}
// s3rver's logger writes to stdout; keep stdout for the LISTEN line.
if (opts.verbose) s3.logger.transports.forEach((t) => (t.stderrLevels = { debug: 1, info: 1, warn: 1, error: 1 }));

server.on('request', (req, res) => {
  res.on('finish', () => {
    const url = new URL(req.url, 'http://x');
    const auth = req.headers.authorization || '';
    log({
      method: req.method,
      path: url.pathname,
      query: url.search.slice(1),
      status: res.statusCode,
      signer: auth.startsWith('AWS4-HMAC-SHA256') ? 's3v4' : auth ? auth.split(' ')[0] : 'none',
      bytes_in: Number(req.headers['content-length'] || 0),
      bytes_out: Number(res.getHeader('content-length') || 0),
    });
  });
});

printListen(server);
lifetime(() => new Promise((resolve) => server.close(resolve)));
