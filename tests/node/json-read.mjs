// json-read.mjs - an independent reader of the connector's JSON-lines output.
//
// Owns: nothing but its own DuckDB in-memory instance; single-threaded
// (DuckDB threads=1 so every file is scanned in order). Never installs or
// downloads a DuckDB extension (json, parquet and zstd are built into the
// package) and never uses the project's own code: it is the judge.
//
// Usage: node tests/node/json-read.mjs ROOT [GLOB]
//   GLOB is relative to ROOT, default '**/*.json*'. '*' and '?' stay inside
//   one path segment, '**/' spans any number of directories (also none);
//   wildcards skip names that start with '.' (hidden and temp files).
// Prints one line per record, files in byte order of their relative path,
// records in file order:
//   {"file":"<path relative to ROOT>","line":<1-based line>,"value":<JSON>}
// value is the record as DuckDB parsed it, minified (numbers keep every digit).
// Plain, .gz and .zst files are read (DuckDB picks the codec by extension:
// compression auto_detect for read_json, auto for read_csv).
//
// Exit status: 0 when every file parsed (also when none matched; a note goes
// to stderr), 1 when DuckDB rejects a file or a file has a blank line (the
// connector never writes one, and DuckDB would skip it silently), 2 on a
// usage error.
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';

function usage(msg) {
  if (msg) process.stderr.write(`json-read: ${msg}\n`);
  process.stderr.write('usage: node tests/node/json-read.mjs ROOT [GLOB]\n');
  process.exit(2);
}

// Glob -> RegExp over '/'-separated relative paths. As in the shell, a
// wildcard never matches a name's leading '.', so hidden files (the local
// store's temp files) are left out unless the pattern names the dot.
function globToRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    const segStart = i === 0 || glob[i - 1] === '/';
    const noDot = segStart ? '(?!\\.)' : '';
    if (c === '*' && glob[i + 1] === '*') {
      if (glob[i + 2] === '/') {
        re += '(?:(?!\\.)[^/]*/)*';
        i += 2;
      } else {
        re += `${noDot}.*`;
        i += 1;
      }
    } else if (c === '*') {
      re += `${noDot}[^/]*`;
    } else if (c === '?') {
      re += `${noDot}[^/]`;
    } else {
      re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`);
}

// Every regular file under root, as '/'-separated paths relative to root.
function walk(root, rel = '', out = []) {
  const dir = rel ? path.join(root, rel) : root;
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const r = rel ? `${rel}/${ent.name}` : ent.name;
    if (ent.isDirectory()) walk(root, r, out);
    else if (ent.isFile()) out.push(r);
  }
  return out;
}

// Largest record line accepted (DuckDB's defaults are 2 MB for CSV lines).
const MAX_LINE = 256 * 1024 * 1024;

function sqlString(s) {
  return `'${s.replaceAll("'", "''")}'`;
}

const [root, glob = '**/*.json*', ...extra] = process.argv.slice(2);
if (!root || extra.length) usage();
if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) usage(`${root}: not a directory`);

const pattern = globToRegExp(glob);
const files = walk(root)
  .filter((f) => pattern.test(f))
  .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
if (files.length === 0) process.stderr.write(`json-read: no file under ${root} matches ${glob}\n`);

process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const instance = await DuckDBInstance.create(':memory:', {
  threads: '1',
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
});
const con = await instance.connect();

async function readFile(rel) {
  const abs = sqlString(path.resolve(root, rel));
  // The records, as DuckDB's newline-delimited JSON reader parses them. Any
  // JSON value may stand on a line, so read values, not objects with columns.
  const values = await con.runAndReadAll(
    `SELECT json(json)::VARCHAR AS v, filename
       FROM read_json_objects(${abs}, format='newline_delimited',
                              compression='auto_detect', filename=true,
                              maximum_object_size=${MAX_LINE})`,
  );
  // The physical lines, only to number the records and catch blank lines,
  // which the JSON reader skips without a word.
  const lines = await con.runAndReadAll(
    `SELECT l IS NULL OR trim(l, E' \\t\\r') = '' AS blank
       FROM read_csv(${abs}, columns={'l': 'VARCHAR'}, delim=E'\\x01',
                     quote='', escape='', header=false, auto_detect=false,
                     compression='auto', max_line_size=${MAX_LINE})`,
  );
  const blank = lines.getRows().findIndex((r) => r[0]);
  if (blank >= 0) throw new Error(`line ${blank + 1} is blank`);
  const rows = values.getRows();
  if (rows.length !== lines.currentRowCount) {
    throw new Error(`${rows.length} records on ${lines.currentRowCount} lines`);
  }
  let out = '';
  rows.forEach(([v], i) => {
    out += `{"file":${JSON.stringify(rel)},"line":${i + 1},"value":${v}}\n`;
  });
  return out;
}

let status = 0;
for (const rel of files) {
  try {
    const out = await readFile(rel);
    if (!process.stdout.write(out)) {
      await new Promise((resolve) => process.stdout.once('drain', resolve));
    }
  } catch (e) {
    process.stderr.write(`json-read: cannot read ${rel}: ${e.message}\n`);
    status = 1;
    break;
  }
}
con.closeSync();
instance.closeSync?.();
process.exitCode = status;
