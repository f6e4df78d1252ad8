// tls-proxy.mjs - a TLS front for the object-store peers, so the tests can
// reach them over https with a certificate of their own making: accepts TLS
// on 127.0.0.1 and passes the bytes both ways to a plain TCP target.
//
// Owns: its listening socket and the connections it opens. Never decrypts
// anything it logs (it logs nothing). Exits on SIGTERM, stdin EOF, or when its
// parent goes away (peer-common's lifetime).
//
// Usage: node tests/node/tls-proxy.mjs --target HOST:PORT --cert CERT.pem --key KEY.pem [--port 0]
// Prints LISTEN=127.0.0.1:PORT once it serves.
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { die, lifetime, printListen } from './peer-common.mjs';

const USAGE = 'usage: node tests/node/tls-proxy.mjs --target HOST:PORT --cert CERT --key KEY [--port 0]';
const opts = { port: '0' };
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i].replace(/^--/, '');
  if (!['target', 'cert', 'key', 'port'].includes(k) || process.argv[i + 1] === undefined) die('tls-proxy', `bad option ${process.argv[i]}`, USAGE);
  opts[k] = process.argv[i + 1];
}
if (!opts.target || !opts.cert || !opts.key) die('tls-proxy', 'missing --target, --cert or --key', USAGE);
const [thost, tport] = opts.target.split(':');

const sockets = new Set();
const server = tls.createServer({ cert: fs.readFileSync(opts.cert), key: fs.readFileSync(opts.key) }, (client) => {
  const upstream = net.connect(Number(tport), thost);
  sockets.add(client).add(upstream);
  const end = () => {
    client.destroy();
    upstream.destroy();
    sockets.delete(client);
    sockets.delete(upstream);
  };
  client.on('error', end).on('close', end);
  upstream.on('error', end).on('close', end);
  client.pipe(upstream);
  upstream.pipe(client);
});
server.on('tlsClientError', () => {}); // a client refusing our certificate is what one test wants
server.listen(Number(opts.port), '127.0.0.1', () => printListen(server));
lifetime(() => {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => server.close(resolve));
});
