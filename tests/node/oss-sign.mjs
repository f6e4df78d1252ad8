// oss-sign.mjs - OSS request signatures (V1 and V4) computed by the official
// OSS SDK's own signer, ali-oss lib/common/signUtils.js. Shared by the judge
// (sign-vectors.mjs) and the OSS gateway (oss-gateway.mjs), so both decide
// exactly as ali-oss does.
//
// Owns: only the mapping from a plain request description to signUtils'
// arguments. Never computes a signature or a canonical form itself: every
// hash, HMAC, encoding and sort below is ali-oss's.
//
// A request description: method; bucket and key (raw, not percent-encoded;
// key "" for a bucket-level request); query as [[name, value|null], ...]
// (raw; null is a bare name such as "uploads"); headers as {name: value}
// (any case; what the client sends, Host included).
//
// What ali-oss 6.23.0 does (and so what our C signer must do):
// V1  Authorization: OSS <id>:<base64 HMAC-SHA1(secret, StringToSign)>
//     StringToSign = VERB \n Content-MD5 \n Content-Type \n DATE \n
//       x-oss-* headers (lowercased, trimmed, sorted, "name:value\n" each)
//       /bucket/key (raw key, "/bucket/" for bucket requests), then "?" and
//       the sub-resources among the query parameters, sorted by name, joined
//       with "&", "name=value" with the raw value, bare "name" when the value
//       is empty or absent.
//     DATE is x-oss-date when the request has it (ali-oss's own client sends
//     x-oss-date, no Date), else the Date header.
// V4  Authorization: OSS4-HMAC-SHA256 Credential=<id>/<yyyymmdd>/<region>/oss/
//       aliyun_v4_request,AdditionalHeaders=<a;b>,Signature=<hex>
//     (AdditionalHeaders= only when there are some; no spaces after commas).
//     Canonical URI /bucket/key RFC 3986-encoded keeping "/" (the bucket is in
//     it for virtual-hosted requests too); query names and values encoded,
//     sorted by name (String.localeCompare), bare names (and, here, empty
//     values) signed as the bare name; signed
//     headers: content-type, content-md5, every x-oss-* and the additional
//     headers; payload hash = x-oss-content-sha256 or UNSIGNED-PAYLOAD.
import signUtils from 'ali-oss/lib/common/signUtils.js';

// The query parameters ali-oss passes to its V1 signer as sub-resources
// (options.subres in lib/**: uploads, uploadId, partNumber, acl, ...), plus
// the response-* overrides and x-oss-process of its signed URLs. Everything
// else (prefix, marker, delimiter, max-keys, list-type, key-marker, ...) goes
// in the URL only. continuation-token is a sub-resource: listV2 signs it.
export const OSS_V1_SUBRESOURCES = new Set([
  'acl', 'append', 'asyncFetch', 'bucketInfo', 'comp', 'continuation-token', 'cors', 'delete',
  'encryption', 'endTime', 'history', 'inventory', 'inventoryId', 'lifecycle', 'live', 'location',
  'logging', 'objectMeta', 'partNumber', 'policy', 'position', 'referer', 'requestPayment',
  'restore', 'security-token', 'startTime', 'stat', 'status', 'symlink', 'tagging', 'uploadId',
  'uploads', 'versionId', 'versioning', 'versions', 'vod', 'website', 'worm', 'wormExtend',
  'wormId', 'x-oss-process', 'x-oss-traffic-limit', 'callback', 'callback-var',
  'response-content-type', 'response-content-language', 'response-expires',
  'response-cache-control', 'response-content-disposition', 'response-content-encoding',
]);

function lowerHeaders(headers) {
  const out = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = String(v);
  return out;
}

// V1: {authorization, canonical}.
export function ossV1({ method, bucket, key, query, headers }, id, secret) {
  const h = lowerHeaders(headers);
  const resource = bucket ? `/${bucket}/${key}` : '/';
  const parameters = {};
  for (const [k, v] of query) {
    if (OSS_V1_SUBRESOURCES.has(k)) parameters[k] = v ?? '';
  }
  // buildCanonicalString's 4th argument fills the date line (ali-oss uses it
  // for signed URLs' Expires); without it the line is x-oss-date.
  const date = h['x-oss-date'] === undefined ? (h.date ?? '') : undefined;
  const canonical = signUtils.buildCanonicalString(method, resource, { headers: h, parameters }, date);
  return { authorization: signUtils.authorization(id, secret, canonical), canonical };
}

// V4: {authorization, canonical}. additional: extra header names to sign
// (ali-oss lowercases, de-duplicates and sorts them and drops those it signs
// anyway); each must be present in headers.
export function ossV4({ method, bucket, key, query, headers }, id, secret, region, additional = []) {
  const h = lowerHeaders(headers);
  // ali-oss's client puts a bare sub-resource in the URL as "uploads=" but
  // signs it bare; a server cannot tell "name=" from "name", so an empty
  // value is signed as a bare name.
  const queries = {};
  for (const [k, v] of query) queries[k] = v === '' ? null : v;
  const req = { headers: h, queries };
  const authorization = signUtils.authorizationV4(
    id, secret, region, method, req, bucket || undefined, key || undefined, additional,
  );
  const canonical = signUtils.getCanonicalRequest(
    method, req, bucket || undefined, key || undefined, signUtils.fixAdditionalHeaders(additional),
  );
  return { authorization, canonical };
}

// Parses "OSS4-HMAC-SHA256 Credential=...,AdditionalHeaders=...,Signature=..."
// into {id, date, region, product, additional: [...], signature}; null when
// malformed.
export function parseV4Authorization(value) {
  const m = /^OSS4-HMAC-SHA256 (.*)$/.exec(value);
  if (!m) return null;
  const parts = {};
  for (const item of m[1].split(',')) {
    const eq = item.indexOf('=');
    if (eq < 0) return null;
    parts[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  if (!parts.Credential || !parts.Signature) return null;
  const cred = parts.Credential.split('/');
  if (cred.length !== 5 || cred[4] !== 'aliyun_v4_request') return null;
  return {
    id: cred[0],
    date: cred[1],
    region: cred[2],
    product: cred[3],
    additional: parts.AdditionalHeaders ? parts.AdditionalHeaders.split(';') : [],
    signature: parts.Signature,
  };
}
