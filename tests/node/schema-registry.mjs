// schema-registry.mjs - a Confluent Schema Registry double for the tests:
// the part of its REST API that serializers and the AvroConverter use, in
// memory, on 127.0.0.1.
//
// Owns: its listening socket and the in-memory schemas and subjects. Never
// persists anything and never outlives the test (SIGTERM, stdin EOF, or the
// parent going away end it).
//
// Usage: node tests/node/schema-registry.mjs [--port 0] [--user USER:PASSWORD]
// Prints LISTEN=127.0.0.1:PORT once it serves. Every answer has Content-Type
// application/vnd.schemaregistry.v1+json; errors are {"error_code","message"}
// as the real registry's. Each request is logged to stderr as
// "METHOD PATH STATUS".
//
//   POST /subjects/S/versions {"schema":"...","schemaType"?}
//        -> {"id":N}. One id per distinct schema (under any subject); ids
//        start at 1. A schema new to S becomes S's next version (from 1);
//        one S already has keeps its version. AVRO schemas (the default
//        schemaType) must be JSON (else 422, error_code 42201) and are
//        compared and stored in compact form (JSON.stringify of the parse);
//        JSON and PROTOBUF texts are kept as given.
//   POST /subjects/S {"schema":"..."} -> {"subject","id","version","schema"};
//        404 40401 when S does not exist, 404 40403 when S has no such schema
//   GET  /schemas/ids/N -> {"schema":"..."} (+ "schemaType" when not AVRO);
//        404 40403 "Schema N not found"
//   GET  /subjects -> ["S", ...]
//   GET  /subjects/S/versions -> [1, 2, ...]; 404 40401
//   GET  /subjects/S/versions/V|latest -> {"subject","version","id","schema"};
//        404 40401 (subject), 40402 (version), 422 42202 (V not a version)
//   anything else: 404 {"error_code":404,...} (405 for a known path, other
//   method)
// Query strings are ignored. Subject names are URL-decoded.
// --user USER:PASSWORD: requests without that HTTP basic auth get 401
// {"error_code":401,"message":"Unauthorized"} (and WWW-Authenticate).
//
// Commands on stdin, one per line, each answered by one line "ok ..." or
// "error ...":
//   down       closes the listener and every open connection: connections
//              are refused until "up"
//   up         listens again on the same port
//   status N   every request is answered N ({"error_code":N,"message":...})
//              until "clear"
//   delay MS   every answer is delayed MS ms until "clear"
//   clear      ends "status" and "delay"
//   count      "ok COUNT=N": the requests answered so far (all statuses)
//   ping       "ok"
//   quit       "ok", then exits
import http from 'node:http';
import { parseArgs } from 'node:util';
import { die, lifetime, printListen } from './peer-common.mjs';

const USAGE = 'node tests/node/schema-registry.mjs [--port 0] [--user USER:PASSWORD]';
let opts;
try {
  opts = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      user: { type: 'string' },
    },
  }).values;
} catch (e) {
  die('schema-registry', e.message, USAGE);
}
let port = Number(opts.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) die('schema-registry', `bad --port ${opts.port}`);
if (opts.user !== undefined && !opts.user.includes(':')) die('schema-registry', '--user needs USER:PASSWORD');
const wantAuth = opts.user === undefined ? null : `Basic ${Buffer.from(opts.user).toString('base64')}`;

const CT = 'application/vnd.schemaregistry.v1+json';
const schemas = []; // index id-1: {id, schema, schemaType}
const byKey = new Map(); // schemaType + '\0' + schema -> entry
const subjects = new Map(); // subject -> [{version, id}]
let forcedStatus = 0;
let delayMs = 0;
let served = 0;

class HttpError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function normalize(text, schemaType) {
  if (typeof text !== 'string') throw new HttpError(422, 42201, 'Invalid schema: "schema" must be a string');
  if (schemaType !== 'AVRO') return text;
  try {
    return JSON.stringify(JSON.parse(text));
  } catch (e) {
    throw new HttpError(422, 42201, `Invalid schema ${text}: ${e.message}`);
  }
}

function schemaTypeOf(body) {
  const t = body.schemaType ?? 'AVRO';
  if (!['AVRO', 'JSON', 'PROTOBUF'].includes(t)) throw new HttpError(422, 42201, `Invalid schema type ${t}`);
  return t;
}

function register(subject, body) {
  const schemaType = schemaTypeOf(body);
  const schema = normalize(body.schema, schemaType);
  const key = `${schemaType}\0${schema}`;
  let entry = byKey.get(key);
  if (!entry) {
    entry = { id: schemas.length + 1, schema, schemaType };
    schemas.push(entry);
    byKey.set(key, entry);
  }
  const versions = subjects.get(subject) ?? [];
  if (!versions.some((v) => v.id === entry.id)) {
    versions.push({ version: versions.length ? versions[versions.length - 1].version + 1 : 1, id: entry.id });
  }
  subjects.set(subject, versions);
  return { id: entry.id };
}

function subjectVersions(subject) {
  const versions = subjects.get(subject);
  if (!versions) throw new HttpError(404, 40401, `Subject '${subject}' not found.`);
  return versions;
}

function versionBody(subject, v) {
  const e = schemas[v.id - 1];
  const out = { subject, version: v.version, id: v.id, schema: e.schema };
  if (e.schemaType !== 'AVRO') out.schemaType = e.schemaType;
  return out;
}

function lookup(subject, body) {
  const versions = subjectVersions(subject);
  const schemaType = schemaTypeOf(body);
  const entry = byKey.get(`${schemaType}\0${normalize(body.schema, schemaType)}`);
  const v = entry && versions.find((x) => x.id === entry.id);
  if (!v) throw new HttpError(404, 40403, 'Schema not found');
  return versionBody(subject, v);
}

function getVersion(subject, spec) {
  const versions = subjectVersions(subject);
  let v;
  if (spec === 'latest' || spec === '-1') {
    v = versions[versions.length - 1];
  } else {
    if (!/^\d+$/.test(spec) || Number(spec) < 1 || Number(spec) > 2147483647) {
      throw new HttpError(422, 42202,
        `The specified version '${spec}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`);
    }
    v = versions.find((x) => x.version === Number(spec));
  }
  if (!v) throw new HttpError(404, 40402, `Version ${spec} not found.`);
  return versionBody(subject, v);
}

function parseBody(raw) {
  try {
    const b = JSON.parse(raw || 'null');
    if (b === null || typeof b !== 'object' || Array.isArray(b)) throw new Error('not an object');
    return b;
  } catch {
    throw new HttpError(400, 400, 'Unrecognized request body: expected a JSON object');
  }
}

// route(method, segments, body): the answer's JSON value, or throws HttpError.
function route(method, seg, raw) {
  const methods = (...allowed) => {
    if (!allowed.includes(method)) throw new HttpError(405, 405, 'HTTP 405 Method Not Allowed');
  };
  if (seg[0] === 'subjects') {
    if (seg.length === 1) {
      methods('GET');
      return [...subjects.keys()];
    }
    const subject = seg[1];
    if (seg.length === 2) {
      methods('POST');
      return lookup(subject, parseBody(raw));
    }
    if (seg[2] === 'versions' && seg.length === 3) {
      methods('GET', 'POST');
      if (method === 'POST') return register(subject, parseBody(raw));
      return subjectVersions(subject).map((v) => v.version);
    }
    if (seg[2] === 'versions' && seg.length === 4) {
      methods('GET');
      return getVersion(subject, seg[3]);
    }
  } else if (seg[0] === 'schemas' && seg[1] === 'ids' && seg.length === 3) {
    methods('GET');
    const id = /^\d+$/.test(seg[2]) ? Number(seg[2]) : 0;
    const e = schemas[id - 1];
    if (!e) throw new HttpError(404, 40403, `Schema ${seg[2]} not found`);
    return e.schemaType === 'AVRO' ? { schema: e.schema } : { schema: e.schema, schemaType: e.schemaType };
  } else if (seg.length === 0) {
    methods('GET');
    return {};
  }
  throw new HttpError(404, 404, 'HTTP 404 Not Found');
}

function send(req, res, status, body) {
  const text = JSON.stringify(body);
  const finish = () => {
    served++;
    const headers = { 'Content-Type': CT, 'Content-Length': Buffer.byteLength(text) };
    if (status === 401) headers['WWW-Authenticate'] = 'Basic realm="schema-registry"';
    res.writeHead(status, headers);
    res.end(text);
    process.stderr.write(`${req.method} ${req.url} ${status}\n`);
  };
  if (delayMs > 0) setTimeout(finish, delayMs);
  else finish();
}

function handle(req, res, raw) {
  if (forcedStatus) {
    send(req, res, forcedStatus, { error_code: forcedStatus, message: `injected status ${forcedStatus}` });
    return;
  }
  if (wantAuth && req.headers.authorization !== wantAuth) {
    send(req, res, 401, { error_code: 401, message: 'Unauthorized' });
    return;
  }
  const url = new URL(req.url, 'http://x');
  let seg;
  try {
    seg = url.pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  } catch {
    send(req, res, 404, { error_code: 404, message: 'HTTP 404 Not Found' });
    return;
  }
  try {
    send(req, res, 200, route(req.method, seg, raw));
  } catch (e) {
    if (!(e instanceof HttpError)) {
      send(req, res, 500, { error_code: 50001, message: `internal error: ${e.message}` });
      return;
    }
    send(req, res, e.status, { error_code: e.code, message: e.message });
  }
}

const sockets = new Set();
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
});
server.keepAliveTimeout = 30000;
server.on('connection', (s) => {
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
});
let listening = false;

function reply(line) {
  process.stdout.write(`${line}\n`);
}

function listen(onDone) {
  server.once('error', (e) => onDone(e));
  server.listen(port, '127.0.0.1', () => {
    server.removeAllListeners('error');
    listening = true;
    port = server.address().port;
    onDone(null);
  });
}

let stopNow;
function command(line) {
  const argv = line.trim().split(/\s+/);
  if (argv[0] === '' || argv[0].startsWith('#')) return;
  switch (argv[0]) {
    case 'down':
      if (!listening) return reply('ok');
      listening = false;
      server.close();
      for (const s of sockets) s.destroy();
      return reply('ok');
    case 'up':
      if (listening) return reply('ok');
      return listen((e) => reply(e ? `error cannot listen on ${port}: ${e.message}` : 'ok'));
    case 'status': {
      const n = Number(argv[1]);
      if (argv.length !== 2 || !Number.isInteger(n) || n < 200 || n > 599) return reply('error usage: status N (200..599)');
      forcedStatus = n;
      return reply('ok');
    }
    case 'delay': {
      const n = Number(argv[1]);
      if (argv.length !== 2 || !Number.isInteger(n) || n < 0) return reply('error usage: delay MS');
      delayMs = n;
      return reply('ok');
    }
    case 'clear':
      forcedStatus = 0;
      delayMs = 0;
      return reply('ok');
    case 'count':
      return reply(`ok COUNT=${served}`);
    case 'ping':
      return reply('ok');
    case 'quit':
      reply('ok');
      return stopNow('quit');
    default:
      return reply(`error unknown command '${argv[0]}'`);
  }
}

listen((e) => {
  if (e) die('schema-registry', `cannot listen: ${e.message}`);
  printListen(server);
});
stopNow = lifetime(
  () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      if (listening) server.close(() => resolve());
      else resolve();
    }),
  command,
);
