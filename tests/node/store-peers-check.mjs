// store-peers-check.mjs - client side of tests/integration/test_store_peers.sh:
// checks the object-store peers (s3-server.mjs, oss-gateway.mjs,
// fault-proxy.mjs) and the signing judge (sign-vectors.mjs) with independent
// clients: the official OSS SDK (ali-oss) and the AWS SDK's SigV4 signer
// (@smithy/signature-v4) over plain node:http.
//
// Owns: nothing but the objects it writes in the buckets it is given. Never
// uses the project's own code.
//
// Usage: node tests/node/store-peers-check.mjs STEP  (environment from
// tests/integration/lib.sh: S3_ENDPOINT, S3_ID, S3_SECRET; OSS_GW_ENDPOINT,
// OSS_GW_ID, OSS_GW_SECRET, OSS_GW_REGION, OSS_GW_DIR; PROXY_ENDPOINT; and
// S3_BUCKET, OSS_BUCKET)
//   s3-sdk       SigV4-signed PUT/GET/multipart/list on the S3 server; wrong
//                secret and wrong key id refused
//   s3-vectors   the judge's s3v4 requests (current time) accepted by s3rver
//   oss-sdk      ali-oss V1 and V4, path style and virtual-hosted: put, get,
//                head, list, listV2, multipartUpload, delete; refusals
//   oss-vectors  the judge's ossv1/ossv4 requests accepted by the gateway
//   proxy-fail | proxy-reset | proxy-stall | proxy-match
//                the client side of one fault, through PROXY_ENDPOINT (the
//                test queues the fault with proxy_cmd first)
// Prints "ok ..." lines; on a failed check prints "check failed: ..." on
// stderr and exits 1.
import OSS from 'ali-oss';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { judge, requestTarget } from './sign-vectors.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`environment variable ${name} is not set`);
  return v;
};

function check(cond, msg) {
  if (!cond) {
    const e = new Error(msg);
    e.isCheck = true;
    throw e;
  }
}

function ok(msg) {
  process.stdout.write(`ok ${msg}\n`);
}

// An HTTP request to 127.0.0.1:port (Host from headers): {status, headers, body}.
function send(endpoint, method, target, headers, body) {
  const [host, port] = endpoint.split(':');
  return new Promise((resolve, reject) => {
    const r = http.request({ host, port: Number(port), method, path: target, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    r.on('error', reject);
    r.end(body);
  });
}

function xmlValue(body, tag) {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(body.toString());
  return m ? m[1] : undefined;
}

const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');

// ---- S3 --------------------------------------------------------------------

// A request signed by the AWS SigV4 signer: path style, path already encoded.
async function s3(method, encPath, query, body, { id = env('S3_ID'), secret = env('S3_SECRET'), host } = {}) {
  const endpoint = env('S3_ENDPOINT');
  const signer = new SignatureV4({
    credentials: { accessKeyId: id, secretAccessKey: secret },
    region: 'us-east-1',
    service: 's3',
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: false,
    applyChecksum: false,
  });
  const headers = { host: host || endpoint, 'x-amz-content-sha256': body ? sha256(body) : sha256('') };
  if (body) headers['content-length'] = String(body.length);
  const q = {};
  for (const [k, v] of query) q[k] = v ?? '';
  const signed = await signer.sign(
    { method, protocol: 'http:', hostname: endpoint.split(':')[0], port: Number(endpoint.split(':')[1]), path: encPath, query: q, headers },
    { signingDate: new Date() },
  );
  const qs = query
    .map(([k, v]) => (v == null ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`))
    .join('&');
  return send(endpoint, method, encPath + (qs ? `?${qs}` : ''), signed.headers, body);
}

const enc = (k) =>
  k
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');

async function stepS3Sdk() {
  const b = env('S3_BUCKET');
  const key = "sdk/topics/t/partition=0/t+0+0000000000 ü中~*'.json";
  const body = Buffer.from('{"n":1}\n{"n":2}\n');
  let r = await s3('PUT', `/${b}/${enc(key)}`, [], body);
  check(r.status === 200, `s3 PUT: ${r.status} ${r.body}`);
  r = await s3('GET', `/${b}/${enc(key)}`, [], null);
  check(r.status === 200 && r.body.equals(body), `s3 GET: ${r.status}`);
  ok('s3: signed PUT and GET of a key with = + space ü 中 ~ * \'');

  r = await s3('PUT', `/${b}/sdk/x`, [], Buffer.from('x'), { secret: 'wrong-secret' });
  check(r.status === 403 && xmlValue(r.body, 'Code') === 'SignatureDoesNotMatch', `s3 wrong secret: ${r.status} ${r.body}`);
  r = await s3('PUT', `/${b}/sdk/x`, [], Buffer.from('x'), { id: 'NOSUCHKEYID' });
  check(r.status === 403 && xmlValue(r.body, 'Code') === 'InvalidAccessKeyId', `s3 wrong id: ${r.status} ${r.body}`);
  ok('s3: wrong secret -> 403 SignatureDoesNotMatch, unknown key id -> 403 InvalidAccessKeyId');

  const mkey = 'sdk/multi part+1.bin';
  r = await s3('POST', `/${b}/${enc(mkey)}`, [['uploads', null]], null);
  const uploadId = xmlValue(r.body, 'UploadId');
  check(r.status === 200 && uploadId, `s3 initiate: ${r.status} ${r.body}`);
  const p1 = crypto.randomBytes(5 * 1024 * 1024);
  const p2 = crypto.randomBytes(1000);
  const etags = [];
  for (const [n, p] of [[1, p1], [2, p2]]) {
    r = await s3('PUT', `/${b}/${enc(mkey)}`, [['partNumber', String(n)], ['uploadId', uploadId]], p);
    check(r.status === 200 && r.headers.etag, `s3 upload part ${n}: ${r.status} ${r.body}`);
    etags.push(r.headers.etag);
  }
  const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
  r = await s3('POST', `/${b}/${enc(mkey)}`, [['uploadId', uploadId]], Buffer.from(xml));
  check(r.status === 200 && /CompleteMultipartUploadResult/.test(r.body), `s3 complete: ${r.status} ${r.body}`);
  r = await s3('GET', `/${b}/${enc(mkey)}`, [], null);
  check(r.status === 200 && r.body.equals(Buffer.concat([p1, p2])), `s3 GET multipart object: ${r.status} ${r.body.length}`);
  ok('s3: multipart upload (?uploads, 2 parts, complete) reads back whole');

  r = await s3('GET', `/${b}`, [['list-type', '2'], ['prefix', 'sdk/'], ['max-keys', '1']], null);
  const token = xmlValue(r.body, 'NextContinuationToken');
  check(r.status === 200 && xmlValue(r.body, 'IsTruncated') === 'true' && token, `s3 list page 1: ${r.status} ${r.body}`);
  check(xmlValue(r.body, 'Key') === mkey, `s3 list page 1 key: ${r.body}`);
  r = await s3('GET', `/${b}`, [['list-type', '2'], ['prefix', 'sdk/'], ['max-keys', '1'], ['continuation-token', token]], null);
  // (s3rver escapes ' in keys twice: &amp;#x27;)
  check(r.status === 200 && xmlValue(r.body, 'IsTruncated') === 'false' && xmlValue(r.body, 'Key')?.startsWith('sdk/topics/'), `s3 list page 2: ${r.status} ${r.body}`);
  ok('s3: ListObjectsV2 with max-keys and continuation-token');

  r = await s3('GET', '/sdk/x', [], null, { host: `${b}.localhost:${env('S3_ENDPOINT').split(':')[1]}` });
  ok(`s3: virtual-hosted ${b}.localhost answers ${r.status} ${xmlValue(r.body, 'Code') ?? ''} (s3rver: path style only)`);
}

// ---- the judge against live servers ---------------------------------------

function shape(signer, o) {
  const s3 = signer === 's3v4';
  return {
    id: o.id,
    signer,
    method: o.method,
    scheme: 'http',
    endpoint: o.endpoint,
    bucket: o.bucket,
    key: o.key ?? '',
    path_style: o.path_style ?? true,
    query: o.query ?? [],
    headers: o.headers ?? [],
    region: s3 ? 'us-east-1' : env('OSS_GW_REGION'),
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    id_key: o.id_key ?? (s3 ? env('S3_ID') : env('OSS_GW_ID')),
    secret: o.secret ?? (s3 ? env('S3_SECRET') : env('OSS_GW_SECRET')),
    token: o.token ?? null,
    payload_sha256: o.payload_sha256 ?? 'UNSIGNED-PAYLOAD',
  };
}

// Sends a judged shape to connectTo (HOST:PORT); the Host header is the
// shape's.
async function sendShape(s, connectTo, body) {
  const j = await judge(s);
  const { path: p, qs } = requestTarget(s);
  const headers = {};
  for (const [k, v] of j.signed_headers) headers[k] = v;
  return send(connectTo, s.method, p + (qs ? `?${qs}` : ''), headers, body);
}

async function stepS3Vectors() {
  const ep = env('S3_ENDPOINT');
  const b = env('S3_BUCKET');
  const key = 'vectors/topics/t/partition=0/t+0+0000000000.json';
  const odd = "vectors/a b+c=d%e~f*g'(h)!/ü中/x.json";
  const body = Buffer.from('{"a":1}\n');
  // The command-line judge once, on a batch.
  const batch = [
    shape('s3v4', { id: 'put', method: 'PUT', endpoint: ep, bucket: b, key, headers: [['Content-Type', 'application/json'], ['Content-Length', String(body.length)]], payload_sha256: sha256(body) }),
    shape('s3v4', { id: 'put-odd', method: 'PUT', endpoint: ep, bucket: b, key: odd, headers: [['Content-Length', String(body.length)], ['x-amz-meta-topic', 't']] }),
  ];
  const cli = spawnSync(process.execPath, [path.join(HERE, 'sign-vectors.mjs')], { input: JSON.stringify(batch), encoding: 'utf8' });
  check(cli.status === 0, `sign-vectors exited ${cli.status}: ${cli.stderr}`);
  const lines = cli.stdout.trim().split('\n').map((l) => JSON.parse(l));
  check(lines.length === 2 && lines.every((l) => l.authorization?.startsWith('AWS4-HMAC-SHA256 ')), `sign-vectors output: ${cli.stdout}`);
  for (const [i, s] of batch.entries()) {
    const { path: p } = requestTarget(s);
    const r = await send(ep, s.method, p, Object.fromEntries(lines[i].signed_headers), body);
    check(r.status === 200, `judge ${s.id}: ${r.status} ${r.body}`);
  }
  ok('s3 judge: sign-vectors.mjs (command line) PUTs accepted by s3rver');

  const go = async (o, bdy, want = 200) => {
    const r = await sendShape(shape('s3v4', { endpoint: ep, bucket: b, ...o }), ep, bdy);
    check(r.status === want, `judge ${o.id}: ${r.status} ${r.body}`);
    return r;
  };
  let r = await go({ id: 'get-odd', method: 'GET', key: odd });
  check(r.body.equals(body), 'judge get-odd: content differs');
  await go({ id: 'head', method: 'HEAD', key });
  await go({ id: 'token', method: 'PUT', key: 'vectors/token.json', token: 'FwoTESTONLYtoken//x+y=z', headers: [['Content-Length', '1']] }, Buffer.from('t'));
  await go({ id: 'unsignable', method: 'PUT', key: 'vectors/ua.json', headers: [['User-Agent', 'kco-test/1'], ['Content-Length', '1']] }, Buffer.from('u'));
  r = await go({ id: 'list', method: 'GET', query: [['list-type', '2'], ['prefix', 'vectors/'], ['delimiter', '/']] });
  // (s3rver only reports common prefixes whose objects sit directly in the
  // first directory below the prefix: none here.)
  check(/<Key>vectors\/token.json<\/Key>/.test(r.body), `judge list: ${r.body}`);
  r = await go({ id: 'initiate', method: 'POST', key: odd, query: [['uploads', null]] });
  const uploadId = xmlValue(r.body, 'UploadId');
  const part = crypto.randomBytes(200 * 1024);
  r = await go({ id: 'part', method: 'PUT', key: odd, query: [['uploadId', uploadId], ['partNumber', '1']], headers: [['Content-Length', String(part.length)]] }, part);
  const xml = Buffer.from(`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${r.headers.etag}</ETag></Part></CompleteMultipartUpload>`);
  await go({ id: 'complete', method: 'POST', key: odd, query: [['uploadId', uploadId]], headers: [['Content-Type', 'application/xml'], ['Content-Length', String(xml.length)]] }, xml);
  r = await go({ id: 'get-multipart', method: 'GET', key: odd });
  check(r.body.equals(part), 'judge multipart object differs');
  await go({ id: 'delete', method: 'DELETE', key }, null, 204);
  await go({ id: 'wrong-secret', method: 'GET', key: odd, secret: 'not-the-secret' }, null, 403);
  ok('s3 judge: get, head, token, user-agent, list, ?uploads, part, complete, delete accepted; wrong secret refused');
}

// ---- OSS -------------------------------------------------------------------

function oss({ v4 = false, vhost = false, endpoint = env('OSS_GW_ENDPOINT'), id = env('OSS_GW_ID'), secret = env('OSS_GW_SECRET'), bucket = env('OSS_BUCKET'), timeout = 10000 } = {}) {
  return new OSS({
    accessKeyId: id,
    accessKeySecret: secret,
    bucket,
    region: `oss-${env('OSS_GW_REGION')}`,
    // An IP endpoint: ali-oss connects to it and sends Host
    // BUCKET.oss-REGION.aliyuncs.com (virtual-hosted); localhost with
    // sldEnable: path style, Host localhost:PORT.
    endpoint: vhost ? `http://${endpoint}` : `http://localhost:${endpoint.split(':')[1]}`,
    sldEnable: !vhost,
    authorizationV4: v4,
    timeout,
    retryMax: 0,
  });
}

async function expectError(promise, code, status, what) {
  try {
    await promise;
  } catch (e) {
    check(e.code === code && (status === undefined || e.status === status), `${what}: expected ${status} ${code}, got ${e.status} ${e.code} ${e.message}`);
    return e;
  }
  check(false, `${what}: expected ${code}, it succeeded`);
  return null;
}

function gwFile(key) {
  return path.join(env('OSS_GW_DIR'), env('OSS_BUCKET'), ...key.split('/'));
}

async function stepOssSdk() {
  for (const v4 of [false, true]) {
    for (const vhost of [false, true]) {
      const name = `${v4 ? 'v4' : 'v1'}-${vhost ? 'vhost' : 'path'}`;
      const c = oss({ v4, vhost });
      const key = `sdk/${name}/topics/t/partition=0/t+0+0000000000.json`;
      const odd = `sdk/${name}/a b+c=d%e~f*g'(h)!/ü中.json`;
      const body = Buffer.from(`{"signer":"${name}"}\n`);
      await c.put(key, body, { headers: { 'x-oss-meta-topic': 't' } });
      await c.put(odd, body);
      check(fs.readFileSync(gwFile(odd)).equals(body), `${name}: the object file differs`);
      check((await c.get(key)).content.equals(body), `${name}: get differs`);
      const h = await c.head(key);
      check(h.res.status === 200 && h.meta?.topic === 't', `${name}: head ${h.res.status} ${JSON.stringify(h.meta)}`);
      const l = await c.list({ prefix: `sdk/${name}/`, delimiter: '/' });
      check(l.prefixes?.length === 2 && (l.objects || []).length === 0, `${name}: list with delimiter ${JSON.stringify(l.prefixes)}`);
      const p1 = await c.listV2({ prefix: `sdk/${name}/`, 'max-keys': 1 });
      check(p1.objects.length === 1 && p1.nextContinuationToken, `${name}: listV2 page 1`);
      const p2 = await c.listV2({ prefix: `sdk/${name}/`, 'max-keys': 1, 'continuation-token': p1.nextContinuationToken });
      check(p2.objects.length === 1 && p2.objects[0].name !== p1.objects[0].name && !p2.isTruncated, `${name}: listV2 page 2`);
      const big = crypto.randomBytes(250 * 1024);
      await c.multipartUpload(`sdk/${name}/big.bin`, big, { partSize: 100 * 1024 });
      check((await c.get(`sdk/${name}/big.bin`)).content.equals(big), `${name}: multipart object differs`);
      await c.delete(odd);
      await expectError(c.get(odd), 'NoSuchKey', 404, `${name}: get after delete`);
      ok(`oss ${name}: put, get, head, list, listV2 (continuation-token), multipartUpload, delete`);
    }
  }

  for (const v4 of [false, true]) {
    const name = v4 ? 'V4' : 'V1';
    let e = await expectError(oss({ v4, secret: 'wrong-secret' }).put('sdk/x', Buffer.from('x')), 'SignatureDoesNotMatch', 403, `${name} wrong secret`);
    check(e.requestId, `${name}: no RequestId in the error`);
    await expectError(oss({ v4, id: 'LTAInosuchid' }).put('sdk/x', Buffer.from('x')), 'InvalidAccessKeyId', 403, `${name} wrong id`);
    await expectError(oss({ v4, bucket: 'no-such-bucket' }).put('sdk/x', Buffer.from('x')), 'NoSuchBucket', 404, `${name} unknown bucket`);
    e = await expectError(
      oss({ v4 }).put('sdk/md5', Buffer.from('abc'), { headers: { 'Content-MD5': crypto.createHash('md5').update('xyz').digest('base64') } }),
      'InvalidDigest', 400, `${name} bad Content-MD5`,
    );
    check(!fs.existsSync(gwFile('sdk/md5')), `${name}: an object with a bad Content-MD5 was stored`);
  }
  ok('oss: wrong secret -> SignatureDoesNotMatch, unknown id -> InvalidAccessKeyId, unknown bucket -> NoSuchBucket, bad Content-MD5 -> InvalidDigest (V1 and V4)');

  // Parts: staged outside the object tree, visible only once complete.
  const c = oss({ v4: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kco-peers-'));
  try {
    const file = path.join(tmp, 'data');
    const data = crypto.randomBytes(150 * 1024);
    fs.writeFileSync(file, data);
    const key = 'sdk/parts/small.bin';
    let init = await c.initMultipartUpload(key);
    const a = await c.uploadPart(key, init.uploadId, 1, file, 0, 50 * 1024);
    const b = await c.uploadPart(key, init.uploadId, 2, file, 50 * 1024, 150 * 1024);
    check(!fs.existsSync(gwFile(key)), 'a part is visible in the object tree before completion');
    check(fs.existsSync(path.join(env('OSS_GW_DIR'), '.uploads', init.uploadId)), 'the upload is not under .uploads');
    const ups = await c.listUploads({ prefix: 'sdk/parts/' });
    check(ups.uploads.length === 1 && ups.uploads[0].uploadId === init.uploadId, `listUploads: ${JSON.stringify(ups.uploads)}`);
    await expectError(
      c.completeMultipartUpload(key, init.uploadId, [{ number: 1, etag: a.etag }, { number: 2, etag: b.etag }]),
      'EntityTooSmall', 400, 'complete with a 50 KiB first part',
    );
    await expectError(
      c.completeMultipartUpload(key, init.uploadId, [{ number: 1, etag: '"00000000000000000000000000000000"' }]),
      'InvalidPart', 400, 'complete with a wrong ETag',
    );
    check(!fs.existsSync(gwFile(key)), 'a refused completion left an object');
    await c.abortMultipartUpload(key, init.uploadId);
    check(!fs.existsSync(path.join(env('OSS_GW_DIR'), '.uploads', init.uploadId)), 'abort left the upload');
    await expectError(c.uploadPart(key, init.uploadId, 3, file, 0, 10), 'NoSuchUpload', 404, 'upload part after abort');
    check((await c.listUploads({ prefix: 'sdk/parts/' })).uploads.length === 0, 'listUploads after abort');

    init = await c.initMultipartUpload(key);
    const parts = [];
    parts.push({ number: 1, etag: (await c.uploadPart(key, init.uploadId, 1, file, 0, 100 * 1024)).etag });
    parts.push({ number: 2, etag: (await c.uploadPart(key, init.uploadId, 2, file, 100 * 1024, 150 * 1024)).etag });
    check(!fs.existsSync(gwFile(key)), 'object visible before completion');
    await c.completeMultipartUpload(key, init.uploadId, parts);
    check(fs.readFileSync(gwFile(key)).equals(data), 'completed object differs');
    check(fs.readdirSync(path.join(env('OSS_GW_DIR'), '.uploads')).length === 0, '.uploads not empty after completion');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  ok('oss: parts live under .uploads; EntityTooSmall, InvalidPart; abort, listUploads; object appears only on completion');
}

async function stepOssVectors() {
  const ep = env('OSS_GW_ENDPOINT');
  const port = ep.split(':')[1];
  const b = env('OSS_BUCKET');
  for (const signer of ['ossv1', 'ossv4']) {
    for (const pathStyle of [true, false]) {
      const name = `${signer}-${pathStyle ? 'path' : 'vhost'}`;
      // Virtual-hosted: Host BUCKET.localhost:PORT, connected to 127.0.0.1.
      const endpoint = pathStyle ? ep : `localhost:${port}`;
      const go = async (o, body, want = 200) => {
        const s = shape(signer, { endpoint, bucket: b, path_style: pathStyle, ...o });
        const r = await sendShape(s, ep, body);
        check(r.status === want, `judge ${name} ${o.id}: ${r.status} ${r.body}`);
        return r;
      };
      const key = `vectors/${name}/topics/t/partition=0/t+0+0000000000.json`;
      const odd = `vectors/${name}/a b+c=d%e~f*g'(h)!/ü中.json`;
      const body = Buffer.from('{"v":1}\n');
      const md5 = crypto.createHash('md5').update(body).digest('base64');
      await go({ id: 'put', method: 'PUT', key, headers: [['Content-Type', 'application/json'], ['Content-MD5', md5], ['Content-Length', String(body.length)], ['x-oss-meta-topic', '  t  ']] }, body);
      await go({ id: 'put-token', method: 'PUT', key: odd, token: 'CAISTESTONLY+sts/token=', headers: [['Content-Length', String(body.length)]] }, body);
      let r = await go({ id: 'get', method: 'GET', key: odd });
      check(r.body.equals(body), `judge ${name}: get differs`);
      await go({ id: 'head', method: 'HEAD', key });
      r = await go({ id: 'list', method: 'GET', query: [['prefix', `vectors/${name}/`], ['delimiter', '/'], ['max-keys', '10']] });
      check((r.body.toString().match(/<CommonPrefixes>/g) || []).length === 2, `judge ${name} list: ${r.body}`);
      r = await go({ id: 'list-v2', method: 'GET', query: [['list-type', '2'], ['prefix', `vectors/${name}/`], ['max-keys', '1']] });
      const token = xmlValue(r.body, 'NextContinuationToken');
      check(token, `judge ${name} list-v2: ${r.body}`);
      await go({ id: 'list-v2-next', method: 'GET', query: [['list-type', '2'], ['prefix', `vectors/${name}/`], ['continuation-token', token], ['max-keys', '1']] });
      r = await go({ id: 'initiate', method: 'POST', key: odd, query: [['uploads', null]] });
      const uploadId = xmlValue(r.body, 'UploadId');
      const p1 = crypto.randomBytes(100 * 1024);
      const p2 = Buffer.from('tail');
      const e1 = (await go({ id: 'part-2', method: 'PUT', key: odd, query: [['uploadId', uploadId], ['partNumber', '2']], headers: [['Content-Length', '4']] }, p2)).headers.etag;
      const e2 = (await go({ id: 'part-1', method: 'PUT', key: odd, query: [['partNumber', '1'], ['uploadId', uploadId]], headers: [['Content-Length', String(p1.length)]] }, p1)).headers.etag;
      await go({ id: 'list-uploads', method: 'GET', query: [['uploads', null], ['prefix', `vectors/${name}/`]] });
      // (ali-oss sorts the parts itself; out of order only by hand)
      const bad = Buffer.from(`<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>${e1}</ETag></Part><Part><PartNumber>1</PartNumber><ETag>${e2}</ETag></Part></CompleteMultipartUpload>`);
      r = await go({ id: 'complete-unordered', method: 'POST', key: odd, query: [['uploadId', uploadId]], headers: [['Content-Length', String(bad.length)]] }, bad, 400);
      check(xmlValue(r.body, 'Code') === 'InvalidPartOrder', `judge ${name} unordered parts: ${r.body}`);
      const xml = Buffer.from(`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${e2}</ETag></Part><Part><PartNumber>2</PartNumber><ETag>${e1}</ETag></Part></CompleteMultipartUpload>`);
      await go({ id: 'complete', method: 'POST', key: odd, query: [['uploadId', uploadId]], headers: [['Content-Type', 'application/xml'], ['Content-Length', String(xml.length)]] }, xml);
      check(fs.readFileSync(gwFile(odd)).equals(Buffer.concat([p1, p2])), `judge ${name}: multipart object differs`);
      r = await go({ id: 'initiate-2', method: 'POST', key, query: [['uploads', null]] });
      await go({ id: 'abort', method: 'DELETE', key, query: [['uploadId', xmlValue(r.body, 'UploadId')]] }, null, 204);
      await go({ id: 'delete', method: 'DELETE', key }, null, 204);
      check(!fs.existsSync(gwFile(key)), `judge ${name}: delete left the object`);
      r = await go({ id: 'wrong-secret', method: 'GET', key: odd, secret: 'not-the-secret' }, null, 403);
      check(xmlValue(r.body, 'Code') === 'SignatureDoesNotMatch' && r.headers['x-oss-request-id'], `judge ${name} wrong secret: ${r.body}`);
      ok(`oss judge ${name}: put (Content-MD5, meta), token, get, head, list, list-v2, multipart (InvalidPartOrder), abort, delete accepted; wrong secret refused`);
    }
  }
}

// ---- fault proxy (the test queues each fault with proxy_cmd first) ---------

async function stepProxyFail() {
  const c = oss({ endpoint: env('PROXY_ENDPOINT') });
  for (let i = 0; i < 2; i++) {
    const e = await expectError(c.put('proxy/fail.json', Buffer.from('f')), 'SlowDown', 503, `injected failure ${i + 1}`);
    check(e.requestId, 'no RequestId in the injected error');
  }
  check(!fs.existsSync(gwFile('proxy/fail.json')), 'a failed request reached the gateway');
  await c.put('proxy/fail.json', Buffer.from('f'));
  // Host passes unchanged: V4 with host signed, through the proxy.
  const s = shape('ossv4', { id: 'via-proxy', method: 'GET', endpoint: env('PROXY_ENDPOINT'), bucket: env('OSS_BUCKET'), key: 'proxy/fail.json' });
  const r = await sendShape(s, env('PROXY_ENDPOINT'));
  check(r.status === 200 && r.body.toString() === 'f', `V4 (host signed) through the proxy: ${r.status} ${r.body}`);
  ok('proxy fail: 2 x 503 SlowDown without reaching the gateway, then through; Host kept');
}

async function stepProxyReset() {
  const c = oss({ endpoint: env('PROXY_ENDPOINT') });
  const body = crypto.randomBytes(512 * 1024);
  try {
    await c.put('proxy/reset.bin', body);
    check(false, 'put through a reset connection succeeded');
  } catch (e) {
    if (e.isCheck) throw e;
    check(!e.status || e.status < 0, `reset: expected a connection error, got ${e.status} ${e.code}`);
  }
  check(!fs.existsSync(gwFile('proxy/reset.bin')), 'a cut-off PUT left an object');
  await c.put('proxy/reset.bin', body);
  check(fs.readFileSync(gwFile('proxy/reset.bin')).equals(body), 'object after reset differs');
  ok('proxy reset: connection cut mid-body, no object; the retry stores it whole');
}

async function stepProxyStall(ms) {
  const c = oss({ endpoint: env('PROXY_ENDPOINT'), timeout: ms * 10 });
  const t0 = Date.now();
  try {
    await c.get('proxy/fail.json');
    check(false, 'a stalled request succeeded');
  } catch (e) {
    if (e.isCheck) throw e;
  }
  const dt = Date.now() - t0;
  check(dt >= ms - 50 && dt < ms * 5, `stall of ${ms} ms took ${dt} ms`);
  check((await c.get('proxy/fail.json')).content.toString() === 'f', 'get after stall');
  ok(`proxy stall: no answer for ${dt} ms, then closed; next request through`);
}

async function stepProxyMatch() {
  const c = oss({ endpoint: env('PROXY_ENDPOINT') });
  await c.put('proxy/match.json', Buffer.from('m'));
  await expectError(c.initMultipartUpload('proxy/match.bin'), 'InternalError', 500, 'initiate under match ?uploads');
  const init = await c.initMultipartUpload('proxy/match.bin');
  await c.abortMultipartUpload('proxy/match.bin', init.uploadId);
  ok('proxy match: only the ?uploads request failed');
}

const steps = {
  's3-sdk': stepS3Sdk,
  's3-vectors': stepS3Vectors,
  'oss-sdk': stepOssSdk,
  'oss-vectors': stepOssVectors,
  'proxy-fail': stepProxyFail,
  'proxy-reset': stepProxyReset,
  'proxy-stall': () => stepProxyStall(Number(process.argv[3] || 500)),
  'proxy-match': stepProxyMatch,
};
const step = steps[process.argv[2]];
if (!step) {
  process.stderr.write(`usage: node tests/node/store-peers-check.mjs ${Object.keys(steps).join('|')}\n`);
  process.exit(2);
}
try {
  await step();
} catch (e) {
  process.stderr.write(`check failed: ${process.argv[2]}: ${e.isCheck ? e.message : e.stack}\n`);
  process.exitCode = 1;
}
