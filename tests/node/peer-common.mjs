// peer-common.mjs - small helpers shared by the test peers (s3-server.mjs,
// oss-gateway.mjs, fault-proxy.mjs, sign-vectors.mjs).
//
// Owns: nothing but pure functions and one process-lifetime watch. Never
// signs anything itself (signing is left to the official libraries) and
// never touches the project's own code.
import fs from 'node:fs';
import crypto from 'node:crypto';

// die(msg): a usage or start-up error (exit status 2).
export function die(prog, msg, usage) {
  process.stderr.write(`${prog}: ${msg}\n`);
  if (usage) process.stderr.write(`usage: ${usage}\n`);
  process.exit(2);
}

// lifetime(onExit): calls onExit() once, on SIGTERM, SIGINT, stdin EOF, or
// when the parent process goes away (the test shell was killed: this process
// is re-parented). A test peer must never outlive its test. When onStdin is
// given, stdin is read as lines and each line is passed to it instead of
// being ignored.
export function lifetime(onExit, onStdin) {
  let done = false;
  const stop = (why) => {
    if (done) return;
    done = true;
    Promise.resolve(onExit(why)).finally(() => process.exit(0));
    // A hung close must not keep the process alive.
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => stop('SIGHUP'));
  const ppid = process.ppid;
  setInterval(() => {
    if (process.ppid !== ppid) stop('parent exited');
  }, 250).unref();
  let buf = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => {
    if (!onStdin) return;
    buf += chunk;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).replace(/\r$/, '');
      buf = buf.slice(nl + 1);
      onStdin(line);
    }
  });
  process.stdin.on('end', () => stop('stdin EOF'));
  process.stdin.on('error', () => stop('stdin error'));
  process.stdout.on('error', () => stop('stdout error'));
  return stop;
}

// RFC 3986 percent-encoding of one string: unreserved characters
// (A-Z a-z 0-9 - . _ ~) stay, every other UTF-8 byte becomes %XX.
export function uriEncode(s) {
  return encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

// The same, keeping '/' (for object keys in a URL path).
export function uriEncodePath(s) {
  return uriEncode(s).replace(/%2F/g, '/');
}

export function xmlEscape(s) {
  return String(s).replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c],
  );
}

export function requestId() {
  return crypto.randomBytes(12).toString('hex').toUpperCase();
}

// jsonLog(file): returns write(obj) appending one JSON line per call, or a
// no-op without a file. Synchronous, so a test reading the log right after a
// response sees the line.
export function jsonLog(file) {
  if (!file) return () => {};
  const fd = fs.openSync(file, 'a');
  return (obj) => fs.writeSync(fd, `${JSON.stringify(obj)}\n`);
}

// printListen(server): the one line the shell helpers wait for.
export function printListen(server) {
  const { address, port } = server.address();
  process.stdout.write(`LISTEN=${address}:${port}\n`);
}
