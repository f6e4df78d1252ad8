// oss-gateway.mjs - a small Alibaba OSS-compatible HTTP server for the
// end-to-end tests, on 127.0.0.1. Every request's signature is checked by
// recomputing it with the official OSS SDK's signer (ali-oss signUtils, via
// oss-sign.mjs) from the request as received.
//
// Owns: DIR and everything under it:
//   DIR/<bucket>/<key>        completed objects only, as plain files
//   DIR/.uploads/<uploadId>/  multipart uploads in progress (upload.json,
//                             part.<n>); moved into the tree on completion
//   DIR/.meta/<bucket>/<sha1(key)>.json   an object's Content-Type, ETag,
//                             x-oss-meta-* (absent for files put there by a
//                             test: those read as application/octet-stream)
//   DIR/.tmp/                 bodies being received (renamed into place, so
//                             an object appears whole or not at all)
// Never accepts an unsigned or wrongly signed request, never serves a bucket
// it was not given, and never outlives the test (SIGTERM, stdin EOF, or the
// parent going away end it).
//
// Usage: node tests/node/oss-gateway.mjs --dir DIR [--port 0] --bucket NAME...
//          --id AKID --secret SECRET [--region cn-hangzhou] [--log FILE]
// Prints LISTEN=127.0.0.1:PORT once it serves.
//
// Addressing: Host 127.0.0.1[:PORT] or localhost[:PORT] is path style
// (/bucket/key, /bucket or /bucket/ for the bucket); any other Host is
// virtual-hosted, its first label the bucket (bucket.localhost:PORT, or
// bucket.oss-cn-hangzhou.aliyuncs.com as ali-oss sends to an IP endpoint).
// Signatures: "OSS id:sig" (V1) and "OSS4-HMAC-SHA256 Credential=..." (V4;
// region must be --region, product oss, any AdditionalHeaders). Date or
// x-oss-date must be within 15 minutes of now.
// Errors, as OSS sends them (XML <Error><Code/><Message/><RequestId/><HostId/>
// ...</Error>, header x-oss-request-id): AccessDenied (no Authorization),
// InvalidAccessKeyId, SignatureDoesNotMatch (with StringToSign or
// CanonicalRequest), RequestTimeTooSkewed, NoSuchBucket, NoSuchKey,
// NoSuchUpload, InvalidDigest (Content-MD5), InvalidPart, InvalidPartOrder,
// EntityTooSmall (a part but the last under 100 KiB, at completion),
// MalformedXML, InvalidObjectName, InvalidArgument, MethodNotAllowed,
// NotImplemented (other sub-resources: acl, tagging, ...).
// Operations: PutObject, GetObject (Range bytes=a-b), HeadObject,
// DeleteObject, InitiateMultipartUpload, UploadPart, CompleteMultipartUpload,
// AbortMultipartUpload, ListObjects (prefix, delimiter, marker, max-keys,
// encoding-type=url), ListObjectsV2 (list-type=2, continuation-token,
// start-after, fetch-owner), ListMultipartUploads, HeadBucket.
// Limits (of this gateway, not of OSS): keys with an empty, "." or ".."
// segment (a//b, /a, a/./b) and a key that is also a "directory" of another
// key (a and a/b) are refused with InvalidObjectName.
//
// --log FILE: one JSON line per request, written before the response ends:
//   {"method","path","query","bucket","key","op","status","code","signer":
//    "ossv1"|"ossv4"|"none","bytes_in","bytes_out"}
// (path and query raw as received; status 0 when the client went away.)
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { ossV1, ossV4, parseV4Authorization, OSS_V1_SUBRESOURCES } from './oss-sign.mjs';
import { die, jsonLog, lifetime, printListen, requestId, xmlEscape } from './peer-common.mjs';

const USAGE =
  'node tests/node/oss-gateway.mjs --dir DIR [--port 0] --bucket NAME... --id AKID --secret SECRET [--region cn-hangzhou] [--log FILE]';
let opts;
try {
  opts = parseArgs({
    options: {
      dir: { type: 'string' },
      port: { type: 'string', default: '0' },
      bucket: { type: 'string', multiple: true, default: [] },
      id: { type: 'string' },
      secret: { type: 'string' },
      region: { type: 'string', default: 'cn-hangzhou' },
      log: { type: 'string' },
    },
  }).values;
} catch (e) {
  die('oss-gateway', e.message, USAGE);
}
for (const o of ['dir', 'id', 'secret']) if (!opts[o]) die('oss-gateway', `--${o} is required`, USAGE);
if (opts.bucket.length === 0) die('oss-gateway', 'at least one --bucket is required', USAGE);
for (const b of opts.bucket) {
  if (!/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(b)) die('oss-gateway', `bad bucket name ${b}`);
}
const port = Number(opts.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) die('oss-gateway', `bad --port ${opts.port}`);

const ROOT = path.resolve(opts.dir);
const UPLOADS = path.join(ROOT, '.uploads');
const META = path.join(ROOT, '.meta');
const TMP = path.join(ROOT, '.tmp');
const BUCKETS = new Set(opts.bucket);
const MIN_PART = 100 * 1024;
const MAX_SKEW_MS = 15 * 60 * 1000;
for (const d of [UPLOADS, META, TMP, ...opts.bucket.map((b) => path.join(ROOT, b))]) {
  fs.mkdirSync(d, { recursive: true });
}
const log = jsonLog(opts.log);

class OssError extends Error {
  constructor(status, code, message, extra = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.extra = extra;
  }
}

// ---- request parsing --------------------------------------------------------

function decode(s, what) {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new OssError(400, 'InvalidURI', `cannot decode the ${what}`);
  }
}

// "a=1&b&c=" -> [["a","1"],["b",null],["c",""]]
function parseQuery(raw) {
  if (!raw) return [];
  return raw
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      if (eq < 0) return [decode(p, 'query'), null];
      return [decode(p.slice(0, eq), 'query'), decode(p.slice(eq + 1), 'query')];
    });
}

// {bucket, key} from Host and the raw path.
function target(req, rawPath) {
  const host = (req.headers.host || '').toLowerCase();
  const hostname = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (bare === '' || bare === 'localhost' || net.isIP(bare)) {
    const p = rawPath.slice(1);
    const slash = p.indexOf('/');
    if (slash < 0) return { bucket: decode(p, 'path'), key: '' };
    return { bucket: decode(p.slice(0, slash), 'path'), key: decode(p.slice(slash + 1), 'path') };
  }
  return { bucket: hostname.split('.')[0], key: decode(rawPath.slice(1), 'path') };
}

function parseTime(v) {
  if (!v) return NaN;
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(v);
  if (m) return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return Date.parse(v);
}

// Checks the Authorization header; returns "ossv1" or "ossv4".
function authenticate(req, bucket, key, query) {
  const auth = req.headers.authorization;
  if (!auth) throw new OssError(403, 'AccessDenied', 'You have no right to access this object.');
  const desc = { method: req.method, bucket, key, query, headers: req.headers };
  let kind;
  let provided;
  let computed;
  let canonical;
  let id;
  if (auth.startsWith('OSS4-HMAC-SHA256 ')) {
    kind = 'ossv4';
    const a = parseV4Authorization(auth);
    if (!a) throw new OssError(400, 'InvalidArgument', 'Authorization header is invalid.');
    id = a.id;
    if (id !== opts.id) {
      throw new OssError(403, 'InvalidAccessKeyId', 'The OSS Access Key Id you provided does not exist in our records.', { OSSAccessKeyId: id });
    }
    const date = req.headers['x-oss-date'];
    if (!date || !/^\d{8}T\d{6}Z$/.test(date)) {
      throw new OssError(403, 'AccessDenied', 'x-oss-date is missing or not YYYYMMDDTHHMMSSZ.');
    }
    if (a.date !== date.slice(0, 8)) {
      throw new OssError(403, 'SignatureDoesNotMatch', `The date in the credential scope (${a.date}) is not the one of x-oss-date (${date}).`);
    }
    if (a.region !== opts.region || a.product !== 'oss') {
      throw new OssError(403, 'SignatureDoesNotMatch', `Invalid credential scope ${a.region}/${a.product}: expected ${opts.region}/oss.`);
    }
    try {
      ({ authorization: computed, canonical } = ossV4(desc, opts.id, opts.secret, opts.region, a.additional));
    } catch (e) {
      throw new OssError(403, 'SignatureDoesNotMatch', e.message);
    }
    provided = a.signature;
    computed = parseV4Authorization(computed).signature;
  } else if (auth.startsWith('OSS ')) {
    kind = 'ossv1';
    const m = /^OSS ([^:]+):(.+)$/.exec(auth);
    if (!m) throw new OssError(400, 'InvalidArgument', 'Authorization header is invalid.');
    [, id, provided] = m;
    if (id !== opts.id) {
      throw new OssError(403, 'InvalidAccessKeyId', 'The OSS Access Key Id you provided does not exist in our records.', { OSSAccessKeyId: id });
    }
    ({ authorization: computed, canonical } = ossV1(desc, opts.id, opts.secret));
    computed = computed.slice(computed.indexOf(':') + 1);
  } else {
    throw new OssError(400, 'InvalidArgument', 'Authorization header is invalid.');
  }
  const t = parseTime(req.headers['x-oss-date'] || req.headers.date);
  if (Number.isNaN(t)) throw new OssError(403, 'AccessDenied', 'OSS authentication requires a valid Date.');
  if (Math.abs(Date.now() - t) > MAX_SKEW_MS) {
    throw new OssError(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', {
      RequestTime: req.headers['x-oss-date'] || req.headers.date,
      ServerTime: new Date().toISOString(),
    });
  }
  if (provided !== computed) {
    const extra = { OSSAccessKeyId: id };
    if (kind === 'ossv1') extra.StringToSign = canonical;
    else extra.CanonicalRequest = canonical;
    throw new OssError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', extra);
  }
  return kind;
}

// ---- storage ----------------------------------------------------------------

function objectPath(bucket, key) {
  const segs = key.split('/');
  if (key === '' || Buffer.byteLength(key) > 1023 || segs.some((s) => s === '' || s === '.' || s === '..')) {
    throw new OssError(400, 'InvalidObjectName', 'The specified object name is not valid (this gateway stores keys as file paths).');
  }
  return path.join(ROOT, bucket, ...segs);
}

function metaPath(bucket, key) {
  return path.join(META, bucket, `${crypto.createHash('sha1').update(key).digest('hex')}.json`);
}

async function readMeta(bucket, key, file, st) {
  try {
    return JSON.parse(await fsp.readFile(metaPath(bucket, key), 'utf8'));
  } catch {
    const md5 = crypto.createHash('md5');
    await pipeline(fs.createReadStream(file), md5);
    return { etag: md5.digest('hex').toUpperCase(), type: 'Normal', headers: {}, size: st.size };
  }
}

function tmpFile() {
  return path.join(TMP, `${process.pid}.${crypto.randomBytes(8).toString('hex')}`);
}

// Receives the body into a temp file: {file, size, md5 (Buffer)}. Checks
// Content-MD5 when given.
async function receiveBody(req, ctx) {
  const file = tmpFile();
  const md5 = crypto.createHash('md5');
  let size = 0;
  try {
    await pipeline(
      req,
      async function* count(source) {
        for await (const chunk of source) {
          size += chunk.length;
          ctx.bytesIn = size;
          md5.update(chunk);
          yield chunk;
        }
      },
      fs.createWriteStream(file),
    );
  } catch (e) {
    await fsp.rm(file, { force: true });
    throw e;
  }
  const digest = md5.digest();
  const want = req.headers['content-md5'];
  if (want !== undefined && want !== digest.toString('base64')) {
    await fsp.rm(file, { force: true });
    throw new OssError(400, 'InvalidDigest', 'The Content-MD5 you specified is not valid.', {
      'Content-MD5': want,
      CalculatedMD5: digest.toString('base64'),
    });
  }
  return { file, size, md5: digest };
}

// Moves a temp file to an object path; the object appears atomically.
async function install(tmp, bucket, key, meta) {
  const dest = objectPath(bucket, key);
  try {
    await fsp.mkdir(path.dirname(dest), { recursive: true });
    const st = await fsp.stat(dest).catch(() => null);
    if (st?.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    await fsp.mkdir(path.dirname(metaPath(bucket, key)), { recursive: true });
    await fsp.writeFile(metaPath(bucket, key), JSON.stringify(meta));
    await fsp.rename(tmp, dest);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    if (e instanceof OssError) throw e;
    if (['ENOTDIR', 'EISDIR', 'EEXIST'].includes(e.code)) {
      throw new OssError(400, 'InvalidObjectName', `The object name clashes with another object's path in this gateway (${e.code}).`);
    }
    throw e;
  }
}

function objectHeaders(req) {
  const h = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (k.startsWith('x-oss-meta-')) h[k] = v;
  }
  for (const k of ['cache-control', 'content-disposition', 'content-encoding', 'expires']) {
    if (req.headers[k] !== undefined) h[k] = req.headers[k];
  }
  return h;
}

// Every object key of a bucket, in byte order: [{key, file}].
async function allKeys(bucket) {
  const root = path.join(ROOT, bucket);
  const out = [];
  async function walk(dir, rel) {
    let ents;
    try {
      ents = await fsp.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of ents) {
      const k = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path.join(dir, e.name), k);
      else if (e.isFile()) out.push({ key: k, file: path.join(dir, e.name) });
    }
  }
  await walk(root, '');
  return out.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
}

async function removeEmptyParents(bucket, file) {
  const stop = path.join(ROOT, bucket);
  for (let d = path.dirname(file); d.startsWith(stop) && d !== stop; d = path.dirname(d)) {
    try {
      await fsp.rmdir(d);
    } catch {
      return;
    }
  }
}

// ---- responses ----------------------------------------------------------------

function xml(root, body) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}>${body}</${root}>\n`;
}

function el(name, value) {
  return `<${name}>${xmlEscape(value)}</${name}>`;
}

function send(res, ctx, status, headers = {}, body = '') {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const h = { 'x-oss-request-id': ctx.requestId, Server: 'AliyunOSS', Date: new Date().toUTCString(), ...headers };
  if (!('Content-Length' in h)) h['Content-Length'] = buf.length;
  ctx.status = status;
  ctx.bytesOut = ctx.head ? 0 : buf.length;
  ctx.finish();
  res.writeHead(status, h);
  res.end(ctx.head ? undefined : buf);
}

function sendXml(res, ctx, root, body, headers = {}) {
  send(res, ctx, 200, { 'Content-Type': 'application/xml', ...headers }, xml(root, body));
}

function sendError(res, ctx, err) {
  ctx.code = err.code;
  let body = el('Code', err.code) + el('Message', err.message) + el('RequestId', ctx.requestId) + el('HostId', ctx.hostId);
  for (const [k, v] of Object.entries(err.extra)) body += el(k, v);
  send(res, ctx, err.status, { 'Content-Type': 'application/xml' }, xml('Error', body));
}

// ---- operations -------------------------------------------------------------

function q(query, name) {
  const p = query.find(([k]) => k === name);
  return p ? (p[1] ?? '') : undefined;
}

function has(query, name) {
  return query.some(([k]) => k === name);
}

function maxKeys(query, name, dflt) {
  const v = q(query, name);
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 1000) {
    throw new OssError(400, 'InvalidArgument', `${name} must be between 1 and 1000.`, { ArgumentName: name, ArgumentValue: v });
  }
  return n;
}

async function putObject(req, res, ctx, bucket, key) {
  objectPath(bucket, key);
  const body = await receiveBody(req, ctx);
  const etag = body.md5.toString('hex').toUpperCase();
  await install(body.file, bucket, key, {
    etag,
    type: 'Normal',
    size: body.size,
    contentType: req.headers['content-type'] || 'application/octet-stream',
    headers: objectHeaders(req),
  });
  send(res, ctx, 200, { ETag: `"${etag}"`, 'Content-MD5': body.md5.toString('base64') });
}

async function getObject(req, res, ctx, bucket, key) {
  const file = objectPath(bucket, key);
  const st = await fsp.stat(file).catch(() => null);
  if (!st?.isFile()) throw new OssError(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
  const meta = await readMeta(bucket, key, file, st);
  const headers = {
    'Content-Type': meta.contentType || 'application/octet-stream',
    ETag: `"${meta.etag}"`,
    'Last-Modified': st.mtime.toUTCString(),
    'Accept-Ranges': 'bytes',
    'x-oss-object-type': meta.type,
    ...meta.headers,
  };
  let start = 0;
  let end = st.size - 1;
  let status = 200;
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range || '');
  if (range && (range[1] !== '' || range[2] !== '')) {
    if (range[1] === '') {
      start = Math.max(0, st.size - Number(range[2]));
    } else {
      start = Number(range[1]);
      if (range[2] !== '') end = Math.min(end, Number(range[2]));
    }
    if (start >= st.size) throw new OssError(416, 'InvalidRange', 'The requested range cannot be satisfied.');
    if (start <= end) {
      status = 206;
      headers['Content-Range'] = `bytes ${start}-${end}/${st.size}`;
    } else {
      start = 0;
      end = st.size - 1;
    }
  }
  const len = Math.max(0, end - start + 1);
  headers['Content-Length'] = len;
  ctx.status = status;
  ctx.bytesOut = ctx.head ? 0 : len;
  ctx.finish();
  res.writeHead(status, { 'x-oss-request-id': ctx.requestId, Server: 'AliyunOSS', Date: new Date().toUTCString(), ...headers });
  if (ctx.head || len === 0) {
    res.end();
    return;
  }
  await pipeline(fs.createReadStream(file, { start, end }), res);
}

async function deleteObject(req, res, ctx, bucket, key) {
  const file = objectPath(bucket, key);
  const st = await fsp.stat(file).catch(() => null);
  if (st?.isFile()) {
    await fsp.rm(file, { force: true });
    await fsp.rm(metaPath(bucket, key), { force: true });
    await removeEmptyParents(bucket, file);
  }
  send(res, ctx, 204);
}

async function readUpload(uploadId, bucket, key) {
  if (!/^[0-9A-F]{32}$/.test(uploadId)) {
    throw new OssError(404, 'NoSuchUpload', 'The specified upload does not exist.', { UploadId: uploadId });
  }
  try {
    const u = JSON.parse(await fsp.readFile(path.join(UPLOADS, uploadId, 'upload.json'), 'utf8'));
    if (u.bucket === bucket && u.key === key) return u;
  } catch {
    // fall through
  }
  throw new OssError(404, 'NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { UploadId: uploadId });
}

async function initiateUpload(req, res, ctx, bucket, key) {
  objectPath(bucket, key);
  const uploadId = crypto.randomBytes(16).toString('hex').toUpperCase();
  const dir = path.join(UPLOADS, uploadId);
  await fsp.mkdir(dir);
  await fsp.writeFile(
    path.join(dir, 'upload.json'),
    JSON.stringify({
      bucket,
      key,
      uploadId,
      initiated: new Date().toISOString(),
      contentType: req.headers['content-type'] || 'application/octet-stream',
      headers: objectHeaders(req),
    }),
  );
  sendXml(res, ctx, 'InitiateMultipartUploadResult', el('Bucket', bucket) + el('Key', key) + el('UploadId', uploadId));
}

async function uploadPart(req, res, ctx, bucket, key, query) {
  const n = q(query, 'partNumber');
  const uploadId = q(query, 'uploadId');
  if (!/^\d+$/.test(n ?? '') || Number(n) < 1 || Number(n) > 10000) {
    throw new OssError(400, 'InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive.', { ArgumentName: 'partNumber', ArgumentValue: n ?? '' });
  }
  await readUpload(uploadId, bucket, key);
  const body = await receiveBody(req, ctx);
  const etag = body.md5.toString('hex').toUpperCase();
  const dir = path.join(UPLOADS, uploadId);
  try {
    await fsp.writeFile(path.join(dir, `part.${Number(n)}.json`), JSON.stringify({ etag, size: body.size }));
    await fsp.rename(body.file, path.join(dir, `part.${Number(n)}`));
  } catch {
    await fsp.rm(body.file, { force: true });
    throw new OssError(404, 'NoSuchUpload', 'The specified upload does not exist (aborted or completed meanwhile).', { UploadId: uploadId });
  }
  send(res, ctx, 200, { ETag: `"${etag}"`, 'Content-MD5': body.md5.toString('base64') });
}

function xmlUnescape(s) {
  return s.replace(/&(quot|amp|lt|gt|apos|#\d+|#x[0-9a-fA-F]+);/g, (m, e) => {
    if (e === 'quot') return '"';
    if (e === 'amp') return '&';
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'apos') return "'";
    return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
  });
}

async function completeUpload(req, res, ctx, bucket, key, query) {
  const uploadId = q(query, 'uploadId');
  const upload = await readUpload(uploadId, bucket, key);
  const chunks = [];
  for await (const c of req) {
    chunks.push(c);
    ctx.bytesIn += c.length;
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const m = /<CompleteMultipartUpload(?:\s[^>]*)?>([\s\S]*)<\/CompleteMultipartUpload>/.exec(text);
  if (!m) throw new OssError(400, 'MalformedXML', 'The XML you provided was not well-formed.');
  const parts = [];
  for (const pm of m[1].matchAll(/<Part>([\s\S]*?)<\/Part>/g)) {
    const num = /<PartNumber>\s*(\d+)\s*<\/PartNumber>/.exec(pm[1]);
    const etag = /<ETag>([^<]*)<\/ETag>/.exec(pm[1]);
    if (!num || !etag) throw new OssError(400, 'MalformedXML', 'Each Part needs a PartNumber and an ETag.');
    parts.push({ n: Number(num[1]), etag: xmlUnescape(etag[1]).trim().replace(/^"|"$/g, '').toUpperCase() });
  }
  if (parts.length === 0) throw new OssError(400, 'MalformedXML', 'The XML you provided has no Part.');
  const dir = path.join(UPLOADS, uploadId);
  const have = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (i > 0 && p.n <= parts[i - 1].n) {
      throw new OssError(400, 'InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.', { UploadId: uploadId });
    }
    let info;
    try {
      info = JSON.parse(await fsp.readFile(path.join(dir, `part.${p.n}.json`), 'utf8'));
    } catch {
      info = null;
    }
    if (!info || info.etag !== p.etag) {
      throw new OssError(400, 'InvalidPart', 'One or more of the specified parts could not be found or the specified entity tag might not have matched the part\'s entity tag.', { UploadId: uploadId, PartNumber: p.n, ETag: p.etag });
    }
    have.push(info);
  }
  for (let i = 0; i < have.length - 1; i++) {
    if (have[i].size < MIN_PART) {
      throw new OssError(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size.', {
        MinSizeAllowed: MIN_PART,
        ProposedSize: have[i].size,
        PartNumber: parts[i].n,
        UploadId: uploadId,
      });
    }
  }
  // Concatenate into a temp file, then one rename: the object appears whole.
  const tmp = tmpFile();
  const out = fs.createWriteStream(tmp);
  out.setMaxListeners(0); // one pipeline per part, each adding its listeners
  const md5s = crypto.createHash('md5');
  let size = 0;
  try {
    for (const p of parts) {
      await pipeline(fs.createReadStream(path.join(dir, `part.${p.n}`)), out, { end: false });
      md5s.update(Buffer.from(p.etag, 'hex'));
    }
    await new Promise((resolve, reject) => out.end((e) => (e ? reject(e) : resolve())));
    size = (await fsp.stat(tmp)).size;
  } catch (e) {
    out.destroy();
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  const etag = `${md5s.digest('hex').toUpperCase()}-${parts.length}`;
  await install(tmp, bucket, key, {
    etag,
    type: 'Multipart',
    size,
    contentType: upload.contentType,
    headers: upload.headers,
  });
  await fsp.rm(dir, { recursive: true, force: true });
  sendXml(
    res,
    ctx,
    'CompleteMultipartUploadResult',
    el('Location', `http://${ctx.hostId}/${key}`) + el('Bucket', bucket) + el('Key', key) + el('ETag', `"${etag}"`),
  );
}

async function abortUpload(req, res, ctx, bucket, key, query) {
  const uploadId = q(query, 'uploadId');
  await readUpload(uploadId, bucket, key);
  await fsp.rm(path.join(UPLOADS, uploadId), { recursive: true, force: true });
  send(res, ctx, 204);
}

// Keys and common prefixes after a marker, up to max: {items, truncated}.
// An item is {key, file} or {prefix}.
async function listItems(bucket, prefix, delimiter, after, max) {
  const keys = await allKeys(bucket);
  const items = [];
  const seen = new Set();
  const afterBuf = Buffer.from(after);
  for (const k of keys) {
    if (!k.key.startsWith(prefix)) continue;
    let item = k;
    if (delimiter) {
      const i = k.key.indexOf(delimiter, prefix.length);
      if (i >= 0) item = { prefix: k.key.slice(0, i + delimiter.length) };
    }
    const name = item.prefix ?? item.key;
    if (after && Buffer.compare(Buffer.from(name), afterBuf) <= 0) continue;
    if (item.prefix !== undefined) {
      if (seen.has(item.prefix)) continue;
      seen.add(item.prefix);
    }
    if (items.length === max) return { items, truncated: true };
    items.push(item);
  }
  return { items, truncated: false };
}

async function contentsXml(bucket, items, enc, owner) {
  let body = '';
  for (const it of items) {
    if (it.prefix !== undefined) continue;
    const st = await fsp.stat(it.file);
    const meta = await readMeta(bucket, it.key, it.file, st);
    body +=
      '<Contents>' +
      el('Key', enc(it.key)) +
      el('LastModified', st.mtime.toISOString()) +
      el('ETag', `"${meta.etag}"`) +
      el('Type', meta.type) +
      el('Size', st.size) +
      el('StorageClass', 'Standard') +
      (owner ? `<Owner>${el('ID', opts.id)}${el('DisplayName', opts.id)}</Owner>` : '') +
      '</Contents>';
  }
  for (const it of items) {
    if (it.prefix !== undefined) body += `<CommonPrefixes>${el('Prefix', enc(it.prefix))}</CommonPrefixes>`;
  }
  return body;
}

function encoder(query) {
  const t = q(query, 'encoding-type');
  if (t === undefined || t === '') return [(s) => s, ''];
  if (t !== 'url') throw new OssError(400, 'InvalidArgument', 'encoding-type must be url.', { ArgumentName: 'encoding-type', ArgumentValue: t });
  return [(s) => encodeURIComponent(s).replace(/%2F/g, '/'), el('EncodingType', 'url')];
}

async function listObjects(req, res, ctx, bucket, query) {
  const prefix = q(query, 'prefix') ?? '';
  const delimiter = q(query, 'delimiter') ?? '';
  const marker = q(query, 'marker') ?? '';
  const max = maxKeys(query, 'max-keys', 100);
  const [enc, encEl] = encoder(query);
  const { items, truncated } = await listItems(bucket, prefix, delimiter, marker, max);
  let body =
    el('Name', bucket) + el('Prefix', enc(prefix)) + el('Marker', enc(marker)) + el('MaxKeys', max) +
    el('Delimiter', enc(delimiter)) + encEl + el('IsTruncated', truncated);
  if (truncated) {
    const last = items[items.length - 1];
    body += el('NextMarker', enc(last.prefix ?? last.key));
  }
  body += await contentsXml(bucket, items, enc, true);
  sendXml(res, ctx, 'ListBucketResult', body);
}

async function listObjectsV2(req, res, ctx, bucket, query) {
  const prefix = q(query, 'prefix') ?? '';
  const delimiter = q(query, 'delimiter') ?? '';
  const token = q(query, 'continuation-token');
  const startAfter = q(query, 'start-after') ?? '';
  const max = maxKeys(query, 'max-keys', 100);
  const owner = q(query, 'fetch-owner') === 'true';
  const [enc, encEl] = encoder(query);
  let after = startAfter;
  if (token !== undefined) {
    after = Buffer.from(token, 'base64url').toString('utf8');
    if (!token || Buffer.from(after).toString('base64url') !== token) {
      throw new OssError(400, 'InvalidArgument', 'The continuation token provided is incorrect.', { ArgumentName: 'continuation-token', ArgumentValue: token });
    }
    if (Buffer.compare(Buffer.from(startAfter), Buffer.from(after)) > 0) after = startAfter;
  }
  const { items, truncated } = await listItems(bucket, prefix, delimiter, after, max);
  let body = el('Name', bucket) + el('Prefix', enc(prefix));
  if (startAfter) body += el('StartAfter', enc(startAfter));
  if (token !== undefined) body += el('ContinuationToken', token);
  body += el('MaxKeys', max) + el('Delimiter', enc(delimiter)) + encEl + el('IsTruncated', truncated);
  if (truncated) {
    const last = items[items.length - 1];
    body += el('NextContinuationToken', Buffer.from(last.prefix ?? last.key).toString('base64url'));
  }
  body += el('KeyCount', items.length);
  body += await contentsXml(bucket, items, enc, owner);
  sendXml(res, ctx, 'ListBucketResult', body);
}

async function listUploads(req, res, ctx, bucket, query) {
  const prefix = q(query, 'prefix') ?? '';
  const keyMarker = q(query, 'key-marker') ?? '';
  const idMarker = q(query, 'upload-id-marker') ?? '';
  const max = maxKeys(query, 'max-uploads', 1000);
  const [enc, encEl] = encoder(query);
  const all = [];
  for (const id of await fsp.readdir(UPLOADS)) {
    try {
      const u = JSON.parse(await fsp.readFile(path.join(UPLOADS, id, 'upload.json'), 'utf8'));
      if (u.bucket === bucket && u.key.startsWith(prefix)) all.push(u);
    } catch {
      // completed or aborted meanwhile
    }
  }
  all.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)) || (a.uploadId < b.uploadId ? -1 : 1));
  const after = all.filter((u) => {
    const c = Buffer.compare(Buffer.from(u.key), Buffer.from(keyMarker));
    return !keyMarker || c > 0 || (c === 0 && idMarker && u.uploadId > idMarker);
  });
  const page = after.slice(0, max);
  const truncated = after.length > max;
  let body =
    el('Bucket', bucket) + el('KeyMarker', enc(keyMarker)) + el('UploadIdMarker', idMarker) +
    el('NextKeyMarker', truncated ? enc(page[page.length - 1].key) : '') +
    el('NextUploadIdMarker', truncated ? page[page.length - 1].uploadId : '') +
    el('Delimiter', enc(q(query, 'delimiter') ?? '')) + el('Prefix', enc(prefix)) + encEl +
    el('MaxUploads', max) + el('IsTruncated', truncated);
  for (const u of page) {
    body += `<Upload>${el('Key', enc(u.key))}${el('UploadId', u.uploadId)}${el('StorageClass', 'Standard')}${el('Initiated', u.initiated)}</Upload>`;
  }
  sendXml(res, ctx, 'ListMultipartUploadsResult', body);
}

// The sub-resources this gateway serves; any other one is NotImplemented.
const SERVED = new Set(['uploads', 'uploadId', 'partNumber', 'continuation-token']);

async function dispatch(req, res, ctx) {
  const url = req.url;
  const qi = url.indexOf('?');
  const rawPath = qi < 0 ? url : url.slice(0, qi);
  const rawQuery = qi < 0 ? '' : url.slice(qi + 1);
  ctx.path = rawPath;
  ctx.query = rawQuery;
  const auth = req.headers.authorization || '';
  if (auth.startsWith('OSS4-HMAC-SHA256 ')) ctx.signer = 'ossv4';
  else if (auth.startsWith('OSS ')) ctx.signer = 'ossv1';
  if (!rawPath.startsWith('/')) throw new OssError(400, 'InvalidURI', 'The request URI is not valid.');
  const query = parseQuery(rawQuery);
  const { bucket, key } = target(req, rawPath);
  ctx.bucket = bucket;
  ctx.key = key;
  ctx.hostId = req.headers.host || '127.0.0.1';
  if (bucket === '') throw new OssError(400, 'InvalidRequest', 'This gateway serves bucket and object requests only.');
  if (!BUCKETS.has(bucket)) throw new OssError(404, 'NoSuchBucket', 'The specified bucket does not exist.', { BucketName: bucket });
  authenticate(req, bucket, key, query);
  for (const [k] of query) {
    if (OSS_V1_SUBRESOURCES.has(k) && !SERVED.has(k)) {
      throw new OssError(501, 'NotImplemented', `The sub-resource ${k} is not implemented by this gateway.`);
    }
  }
  const m = req.method;
  if (key === '') {
    if (m === 'GET' && has(query, 'uploads')) return (ctx.op = 'ListMultipartUploads'), listUploads(req, res, ctx, bucket, query);
    if (m === 'GET' && q(query, 'list-type') === '2') return (ctx.op = 'ListObjectsV2'), listObjectsV2(req, res, ctx, bucket, query);
    if (m === 'GET') return (ctx.op = 'ListObjects'), listObjects(req, res, ctx, bucket, query);
    if (m === 'HEAD') return (ctx.op = 'HeadBucket'), send(res, ctx, 200);
    throw new OssError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
  }
  const upload = has(query, 'uploadId');
  if (m === 'PUT' && upload) return (ctx.op = 'UploadPart'), uploadPart(req, res, ctx, bucket, key, query);
  if (m === 'PUT' && !has(query, 'uploads')) return (ctx.op = 'PutObject'), putObject(req, res, ctx, bucket, key);
  if (m === 'POST' && has(query, 'uploads') && !upload) return (ctx.op = 'InitiateMultipartUpload'), initiateUpload(req, res, ctx, bucket, key);
  if (m === 'POST' && upload) return (ctx.op = 'CompleteMultipartUpload'), completeUpload(req, res, ctx, bucket, key, query);
  if (m === 'DELETE' && upload) return (ctx.op = 'AbortMultipartUpload'), abortUpload(req, res, ctx, bucket, key, query);
  if (m === 'DELETE') return (ctx.op = 'DeleteObject'), deleteObject(req, res, ctx, bucket, key);
  if (m === 'GET' || m === 'HEAD') return (ctx.op = m === 'GET' ? 'GetObject' : 'HeadObject'), getObject(req, res, ctx, bucket, key);
  throw new OssError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
}

function drain(req, ctx) {
  if (req.complete || req.readableEnded || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    req.on('data', (c) => (ctx.bytesIn += c.length));
    req.on('end', resolve);
    req.on('error', resolve);
    req.on('close', resolve);
    req.resume();
  });
}

const server = http.createServer((req, res) => {
  const ctx = {
    requestId: requestId(),
    head: req.method === 'HEAD',
    signer: 'none',
    bytesIn: 0,
    bytesOut: 0,
    status: 0,
    logged: false,
  };
  // Logs once, when the status is known (before the response is sent, so a
  // test that got the response finds the line).
  ctx.finish = () => {
    if (ctx.logged) return;
    ctx.logged = true;
    log({
      method: req.method,
      path: ctx.path ?? req.url,
      query: ctx.query ?? '',
      bucket: ctx.bucket ?? null,
      key: ctx.key ?? null,
      op: ctx.op ?? null,
      status: ctx.status,
      code: ctx.code ?? null,
      signer: ctx.signer,
      bytes_in: ctx.bytesIn,
      bytes_out: ctx.bytesOut,
    });
  };
  res.on('close', () => ctx.finish());
  dispatch(req, res, ctx).catch((e) => {
    // (req.destroyed is also true for a request whose body was read whole.)
    if (res.headersSent || res.destroyed || !req.socket || req.socket.destroyed) {
      res.destroy();
      return;
    }
    if (!(e instanceof OssError)) {
      if (e.code === 'ECONNRESET' || e.code === 'ERR_STREAM_PREMATURE_CLOSE') {
        res.destroy();
        return;
      }
      process.stderr.write(`oss-gateway: ${req.method} ${req.url}: ${e.stack || e}\n`);
      e = new OssError(500, 'InternalError', `gateway error: ${e.message}`);
    }
    // Read what is left of a refused request's body first, so the client
    // (or a proxy in between) is not cut off while still sending.
    drain(req, ctx).then(() => {
      if (!res.destroyed) sendError(res, ctx, e);
    });
  });
});
server.keepAliveTimeout = 30000;
server.on('clientError', (err, socket) => {
  if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
});
server.listen(port, '127.0.0.1', () => {
  printListen(server);
  lifetime(
    () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  );
});
