// sign-vectors.mjs - the judge for our C request signer: the Authorization
// header the OFFICIAL libraries compute for a request shape.
//
// Owns: nothing but the translation of a shape into the request our C client
// sends (Host, URL, the headers it adds) and into the libraries' arguments.
// Never signs by itself and never uses the project's own code: S3 SigV4 is
// @smithy/signature-v4 (the signer inside AWS SDK v3; @aws-sdk/signature-v4
// is now only a re-export of an old copy of it), OSS V1 and V4 are ali-oss's
// lib/common/signUtils.js (through oss-sign.mjs).
//
// Usage: node tests/node/sign-vectors.mjs < shapes.json
// stdin: a JSON array of shapes (see tests/node/sign-shapes.json):
//   {"id","signer":"s3v4"|"ossv1"|"ossv4","method","scheme","endpoint",
//    "bucket","key","path_style","query":[[name,value|null]...],
//    "headers":[[name,value]...],"region","time","id_key","secret",
//    "token":null|"...","payload_sha256":"UNSIGNED-PAYLOAD"|"<hex>"}
// stdout: one line per shape, in input order:
//   {"id","authorization","url","signed_headers":[[name,value]...],"canonical"}
//   signed_headers is every header of the request as sent (after signing,
//   Authorization included); canonical is the library's canonical request
//   (S3, OSS V4) or string to sign (OSS V1), for diagnosing a mismatch.
//   A shape the judge cannot handle prints {"id","error"} and the exit
//   status is 1.
//
// The request our C client builds from a shape (the judge builds the same):
// - Host: endpoint (path_style) or bucket.endpoint.
// - URL path: /bucket/key (path style) or /key, key RFC 3986-encoded keeping
//   "/" and unreserved characters (A-Z a-z 0-9 - . _ ~). A bucket-level
//   request (key "") is /bucket in path style (s3rver signs /bucket, never
//   /bucket/) and / virtual-hosted.
// - URL query: the query pairs in the given order, names and values RFC
//   3986-encoded, "name=value" or a bare "name" for null, joined with "&".
// - s3v4 adds host, x-amz-date (YYYYMMDDTHHMMSSZ), x-amz-content-sha256
//   (= payload_sha256) and x-amz-security-token (when token) and signs every
//   header it sends except the ones the AWS signer never signs (user-agent,
//   expect, connection, transfer-encoding, cache-control, ...: see
//   ALWAYS_UNSIGNABLE_HEADERS in @smithy/signature-v4). A bare query name is
//   signed as "name=". Header values: runs of spaces/tabs become one space,
//   ends trimmed. Authorization: "AWS4-HMAC-SHA256 Credential=ID/DATE/REGION/
//   s3/aws4_request, SignedHeaders=a;b, Signature=HEX" (", " separators).
// - ossv1 adds Host, Date (RFC 1123, "Wed, 25 Nov 2026 10:30:00 GMT") and
//   x-oss-security-token (when token).
// - ossv4 adds Host, x-oss-date (YYYYMMDDTHHMMSSZ), x-oss-content-sha256
//   (= payload_sha256, normally UNSIGNED-PAYLOAD) and x-oss-security-token
//   (when token), and signs host as an additional header (ali-oss supports
//   additionalHeaders; the default set is content-type, content-md5 and
//   x-oss-*).
import { pathToFileURL } from 'node:url';
import { SignatureV4, getCanonicalHeaders } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { ossV1, ossV4 } from './oss-sign.mjs';
import { uriEncode, uriEncodePath } from './peer-common.mjs';

// The request line and Host of a shape.
export function requestTarget(s) {
  const host = s.path_style ? s.endpoint : `${s.bucket}.${s.endpoint}`;
  let path;
  if (s.path_style) path = s.key === '' ? `/${s.bucket}` : `/${s.bucket}/${uriEncodePath(s.key)}`;
  else path = `/${uriEncodePath(s.key)}`;
  const qs = (s.query || [])
    .map(([k, v]) => (v === null || v === undefined ? uriEncode(k) : `${uriEncode(k)}=${uriEncode(v)}`))
    .join('&');
  return { host, path, qs, url: `${s.scheme || 'http'}://${host}${path}${qs ? `?${qs}` : ''}` };
}

// YYYYMMDDTHHMMSSZ
function basicIso(date) {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

async function signS3(s) {
  const { host, path, url } = requestTarget(s);
  const signer = new SignatureV4({
    credentials: { accessKeyId: s.id_key, secretAccessKey: s.secret, sessionToken: s.token || undefined },
    region: s.region,
    service: 's3',
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: false, // S3 paths are encoded once (by us) and never normalized
    applyChecksum: false, // x-amz-content-sha256 comes from the shape
  });
  const headers = { host };
  for (const [k, v] of s.headers || []) headers[k] = v;
  headers['x-amz-content-sha256'] = s.payload_sha256 || 'UNSIGNED-PAYLOAD';
  // The AWS signer drops query names whose value is not a string; S3 signs a
  // bare "uploads" as "uploads=".
  const query = {};
  for (const [k, v] of s.query || []) {
    const val = v ?? '';
    if (k in query) query[k] = [].concat(query[k], val);
    else query[k] = val;
  }
  const [hostname, port] = host.split(':');
  const request = {
    method: s.method,
    protocol: `${s.scheme || 'http'}:`,
    hostname,
    port: port ? Number(port) : undefined,
    path,
    query,
    headers,
  };
  const signed = await signer.sign(request, { signingDate: new Date(s.time) });
  const forCanonical = { ...signed, headers: { ...signed.headers } };
  delete forCanonical.headers.authorization;
  const canonical = signer.createCanonicalRequest(
    forCanonical,
    getCanonicalHeaders(forCanonical),
    headers['x-amz-content-sha256'],
  );
  return {
    authorization: signed.headers.authorization,
    url,
    signed_headers: Object.entries(signed.headers),
    canonical,
  };
}

function signOss(s, v4) {
  const { host, url } = requestTarget(s);
  const headers = [['Host', host]];
  for (const [k, v] of s.headers || []) headers.push([k, v]);
  const time = new Date(s.time);
  if (v4) {
    headers.push(['x-oss-date', basicIso(time)]);
    headers.push(['x-oss-content-sha256', s.payload_sha256 || 'UNSIGNED-PAYLOAD']);
  } else {
    headers.push(['Date', time.toUTCString()]);
  }
  if (s.token) headers.push(['x-oss-security-token', s.token]);
  const req = {
    method: s.method,
    bucket: s.bucket,
    key: s.key,
    query: s.query || [],
    headers: Object.fromEntries(headers),
  };
  const { authorization, canonical } = v4
    ? ossV4(req, s.id_key, s.secret, s.region, ['host'])
    : ossV1(req, s.id_key, s.secret);
  headers.push(['Authorization', authorization]);
  return { authorization, url, signed_headers: headers, canonical };
}

export async function judge(s) {
  switch (s.signer) {
    case 's3v4':
      return signS3(s);
    case 'ossv1':
      return signOss(s, false);
    case 'ossv4':
      return signOss(s, true);
    default:
      throw new Error(`unknown signer ${JSON.stringify(s.signer)}`);
  }
}

async function main() {
  process.stdout.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  let shapes;
  try {
    shapes = JSON.parse(input);
    if (!Array.isArray(shapes)) throw new Error('not an array');
  } catch (e) {
    process.stderr.write(`sign-vectors: stdin is not a JSON array of shapes: ${e.message}\n`);
    process.exit(2);
  }
  let status = 0;
  for (const s of shapes) {
    let line;
    try {
      for (const f of ['method', 'endpoint', 'bucket', 'time', 'id_key', 'secret']) {
        if (typeof s[f] !== 'string') throw new Error(`field ${f} missing`);
      }
      if (typeof s.key !== 'string') throw new Error('field key missing');
      if (s.signer !== 'ossv1' && typeof s.region !== 'string') throw new Error('field region missing');
      if (Number.isNaN(Date.parse(s.time))) throw new Error(`bad time ${s.time}`);
      line = { id: s.id, ...(await judge(s)) };
    } catch (e) {
      line = { id: s.id, error: e.message };
      status = 1;
    }
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
  process.exitCode = status;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
