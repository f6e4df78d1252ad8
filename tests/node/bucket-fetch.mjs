// bucket-fetch.mjs - an independent S3 client for the tests: lists a bucket
// (ListObjectsV2, following continuation tokens) and downloads every object
// into a directory, every request signed by @smithy/signature-v4 (the AWS
// SDK's signer), never by the project's code.
//
// Owns: nothing but the files it writes under OUT. Single-threaded.
// Must never: print the secret.
//
// Usage: node tests/node/bucket-fetch.mjs --endpoint HOST:PORT --bucket B --id ID --secret S --out DIR
//          [--region us-east-1] [--prefix P]
// Prints one line per object: "<key> <bytes>". Path-style addressing, http.
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const k of ['endpoint', 'bucket', 'id', 'secret', 'out'])
  if (!args[k]) {
    process.stderr.write(`bucket-fetch: --${k} is required\n`);
    process.exit(2);
  }
const [hostname, port] = args.endpoint.split(':');
const signer = new SignatureV4({
  credentials: { accessKeyId: args.id, secretAccessKey: args.secret },
  region: args.region || 'us-east-1',
  service: 's3',
  sha256: Hash.bind(null, 'sha256'),
  uriEscapePath: false,
  applyChecksum: false,
});
const rfc3986 = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const encPath = (k) => k.split('/').map(rfc3986).join('/');

async function get(p, query) {
  const headers = { host: args.endpoint, 'x-amz-content-sha256': crypto.createHash('sha256').update('').digest('hex') };
  const signed = await signer.sign(
    { method: 'GET', protocol: 'http:', hostname, port: Number(port), path: p, query, headers },
    { signingDate: new Date() },
  );
  const qs = Object.entries(query).map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join('&');
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, method: 'GET', path: p + (qs ? `?${qs}` : ''), headers: signed.headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        if (res.statusCode !== 200) reject(new Error(`GET ${p}: HTTP ${res.statusCode} ${body.toString().slice(0, 300)}`));
        else resolve(body);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const unxml = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const keys = [];
let token;
do {
  const q = { 'list-type': '2', 'max-keys': '1000' };
  if (args.prefix) q.prefix = args.prefix;
  if (token) q['continuation-token'] = token;
  const xml = (await get(`/${args.bucket}`, q)).toString();
  for (const m of xml.matchAll(/<Key>([^<]*)<\/Key>/g)) keys.push(unxml(m[1]));
  const t = xml.match(/<NextContinuationToken>([^<]*)<\/NextContinuationToken>/);
  token = /<IsTruncated>true<\/IsTruncated>/.test(xml) && t ? unxml(t[1]) : undefined;
} while (token);
for (const key of keys.sort()) {
  const body = await get(`/${args.bucket}/${encPath(key)}`, {});
  const dest = path.join(args.out, key);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.writeFileSync(dest, body);
  process.stdout.write(`${key} ${body.length}\n`);
}
