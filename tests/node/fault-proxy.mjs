// fault-proxy.mjs - an HTTP proxy between our client and an object store
// (s3-server.mjs, oss-gateway.mjs) that injects faults on command.
//
// Owns: its listening socket, the upstream connections it opens, the queue of
// pending faults and the optional request log. Forwards requests unchanged:
// method, URL, every header (Host included, so signatures stay valid) except
// the hop-by-hop ones (Connection, Keep-Alive, Expect: the proxy answers
// 100-continue itself), bodies streamed both ways. Never changes a byte of a
// body it forwards, and never outlives the test (SIGTERM, stdin EOF, or the
// parent going away end it).
//
// Usage: node tests/node/fault-proxy.mjs --target HOST:PORT [--port 0] [--log FILE]
// Prints LISTEN=127.0.0.1:PORT once it serves, then reads commands on stdin,
// one per line, each answered by exactly one line "ok ..." or "error ...":
//   fail N STATUS [CODE]  the next N requests get STATUS with an S3/OSS-style
//                         XML error body (<Error><Code>CODE</Code>...), after
//                         their body is read, without reaching the target.
//                         CODE defaults from STATUS (503 ServiceUnavailable,
//                         500 InternalError, 403 AccessDenied, ...).
//   reset N               the next N requests: the request and half of the
//                         first chunk of its body are forwarded, then both
//                         connections are destroyed (bodiless requests: the client's connection
//                         is destroyed at once, nothing is forwarded).
//   stall N MS            the next N requests get no answer for MS ms (their
//                         body is read), then the connection is closed; the
//                         target never sees them.
//   match [SUBSTRING]     faults queued from now on apply only to requests
//                         whose "METHOD URL" (e.g. "POST /b/k?uploads")
//                         contains SUBSTRING; "match" alone: to every request.
//   clear                 drops every pending fault
//   stats                 "ok requests=N faults=M pending=P": requests seen,
//                         faults injected, fault requests still queued
//   ping                  "ok"
//   quit                  "ok", then exits
// Faults are used in the order given: a request takes the first queued fault
// whose match it satisfies; a fault's count goes down by one per request.
// --log FILE: one JSON line per request, when it ends:
//   {"method","url","fault":null|"fail"|"reset"|"stall","status","bytes_in",
//    "bytes_out","ms"}  (status 0 when no response was sent)
import http from 'node:http';
import { parseArgs } from 'node:util';
import { die, jsonLog, lifetime, printListen, requestId, xmlEscape } from './peer-common.mjs';

const USAGE = 'node tests/node/fault-proxy.mjs --target HOST:PORT [--port 0] [--log FILE]';
let opts;
try {
  opts = parseArgs({
    options: {
      target: { type: 'string' },
      port: { type: 'string', default: '0' },
      log: { type: 'string' },
    },
  }).values;
} catch (e) {
  die('fault-proxy', e.message, USAGE);
}
const tm = /^([^:]+):(\d+)$/.exec(opts.target || '');
if (!tm) die('fault-proxy', '--target HOST:PORT is required', USAGE);
const [, targetHost, targetPort] = tm;
const port = Number(opts.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) die('fault-proxy', `bad --port ${opts.port}`);

const log = jsonLog(opts.log);
const agent = new http.Agent({ keepAlive: true });
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'expect', 'upgrade', 'te', 'trailer']);
const DEFAULT_CODE = {
  400: 'InvalidRequest',
  403: 'AccessDenied',
  404: 'NoSuchKey',
  409: 'OperationAborted',
  429: 'SlowDown',
  500: 'InternalError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

const faults = []; // {kind, remaining, status, code, ms, match}
let currentMatch = '';
let requests = 0;
let injected = 0;

function takeFault(line) {
  const i = faults.findIndex((f) => line.includes(f.match));
  if (i < 0) return null;
  const f = faults[i];
  if (--f.remaining === 0) faults.splice(i, 1);
  injected++;
  return f;
}

function reply(line) {
  process.stdout.write(`${line}\n`);
}

function count(s, what) {
  if (!/^\d+$/.test(s ?? '') || Number(s) < 1) throw new Error(`bad ${what} '${s ?? ''}'`);
  return Number(s);
}

let stopNow;
function command(line) {
  const argv = line.trim().split(/\s+/);
  if (argv[0] === '' || argv[0].startsWith('#')) return;
  try {
    switch (argv[0]) {
      case 'fail': {
        if (argv.length < 3 || argv.length > 4) throw new Error('usage: fail N STATUS [CODE]');
        const n = count(argv[1], 'count');
        const status = count(argv[2], 'status');
        if (status < 200 || status > 599) throw new Error(`bad status '${argv[2]}'`);
        faults.push({ kind: 'fail', remaining: n, status, code: argv[3] || DEFAULT_CODE[status] || 'InjectedFault', match: currentMatch });
        break;
      }
      case 'reset':
        if (argv.length !== 2) throw new Error('usage: reset N');
        faults.push({ kind: 'reset', remaining: count(argv[1], 'count'), match: currentMatch });
        break;
      case 'stall':
        if (argv.length !== 3) throw new Error('usage: stall N MS');
        faults.push({ kind: 'stall', remaining: count(argv[1], 'count'), ms: count(argv[2], 'milliseconds'), match: currentMatch });
        break;
      case 'match':
        currentMatch = line.trim().slice(5).trim();
        break;
      case 'clear':
        faults.length = 0;
        break;
      case 'stats': {
        const pending = faults.reduce((a, f) => a + f.remaining, 0);
        reply(`ok requests=${requests} faults=${injected} pending=${pending}`);
        return;
      }
      case 'ping':
        break;
      case 'quit':
        reply('ok');
        stopNow('quit');
        return;
      default:
        throw new Error(`unknown command '${argv[0]}'`);
    }
    reply('ok');
  } catch (e) {
    reply(`error ${e.message}`);
  }
}

function errorBody(code, id, host) {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error>' +
    `<Code>${xmlEscape(code)}</Code>` +
    '<Message>Injected by fault-proxy</Message>' +
    `<RequestId>${id}</RequestId><HostId>${xmlEscape(host)}</HostId></Error>\n`
  );
}

const server = http.createServer((req, res) => {
  requests++;
  const t0 = Date.now();
  const line = `${req.method} ${req.url}`;
  const ctx = { fault: null, status: 0, bytesIn: 0, bytesOut: 0, logged: false };
  const done = () => {
    if (ctx.logged) return;
    ctx.logged = true;
    log({ method: req.method, url: req.url, fault: ctx.fault, status: ctx.status, bytes_in: ctx.bytesIn, bytes_out: ctx.bytesOut, ms: Date.now() - t0 });
  };
  res.on('close', done);
  req.on('data', (c) => (ctx.bytesIn += c.length));
  req.on('error', () => {});

  const f = takeFault(line);
  if (f) ctx.fault = f.kind;
  if (f?.kind === 'fail') {
    req.resume();
    req.on('end', () => {
      const id = requestId();
      const body = req.method === 'HEAD' ? '' : errorBody(f.code, id, req.headers.host || '');
      ctx.status = f.status;
      ctx.bytesOut = Buffer.byteLength(body);
      res.writeHead(f.status, {
        'Content-Type': 'application/xml',
        'Content-Length': Buffer.byteLength(body),
        'x-oss-request-id': id,
        'x-amz-request-id': id,
        ...(f.status === 503 || f.status === 429 ? { 'Retry-After': '1' } : {}),
      });
      res.end(body);
    });
    return;
  }
  if (f?.kind === 'stall') {
    req.resume();
    const timer = setTimeout(() => req.socket.destroy(), f.ms);
    req.socket.on('close', () => clearTimeout(timer));
    return;
  }

  const headers = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i];
    if (HOP.has(name.toLowerCase())) continue;
    if (name in headers) headers[name] = [].concat(headers[name], req.rawHeaders[i + 1]);
    else headers[name] = req.rawHeaders[i + 1];
  }
  const hasBody = Number(req.headers['content-length'] || 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (f?.kind === 'reset' && !hasBody) {
    req.socket.destroy();
    return;
  }
  const up = http.request({
    host: targetHost,
    port: Number(targetPort),
    method: req.method,
    path: req.url,
    headers,
    agent,
    setHost: false,
  });
  up.on('response', (ur) => {
    if (ctx.fault === 'reset') {
      ur.resume();
      return;
    }
    const raw = [];
    for (let i = 0; i < ur.rawHeaders.length; i += 2) {
      if (!HOP.has(ur.rawHeaders[i].toLowerCase())) raw.push(ur.rawHeaders[i], ur.rawHeaders[i + 1]);
    }
    ctx.status = ur.statusCode;
    res.writeHead(ur.statusCode, ur.statusMessage, raw);
    ur.on('data', (c) => (ctx.bytesOut += c.length));
    ur.pipe(res);
    ur.on('error', () => res.destroy());
  });
  up.on('error', (e) => {
    if (ctx.fault === 'reset') return;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = errorBody('BadGateway', requestId(), `${opts.target}: ${e.code || e.message}`);
    ctx.status = 502;
    res.writeHead(502, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
    res.end(body);
  });
  if (f?.kind === 'reset') {
    req.once('data', (chunk) => {
      req.pause();
      // Half of the first chunk: the target never gets the whole body.
      up.write(chunk.subarray(0, chunk.length >> 1), () => {
        // Let the first part reach the target, then cut both sides.
        setTimeout(() => {
          up.destroy();
          req.socket.destroy();
        }, 50);
      });
    });
    return;
  }
  req.pipe(up);
  res.on('close', () => {
    if (!res.writableFinished) up.destroy();
  });
});
server.keepAliveTimeout = 30000;
server.on('clientError', (err, socket) => {
  if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  else socket.destroy();
});
server.listen(port, '127.0.0.1', () => {
  printListen(server);
  stopNow = lifetime(
    () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
        agent.destroy();
      }),
    command,
  );
});
