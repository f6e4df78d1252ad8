// duckdb-parquet.mjs - the reference for the Parquet encode step in make bench: DuckDB (one thread) converting
// a JSON-lines file to Parquet, COPY (SELECT * FROM read_json(FILE)) TO OUT (FORMAT parquet, COMPRESSION CODEC).
// Usage: node bench/duckdb-parquet.mjs FILE.jsonl CODEC OUT.parquet
// Prints "<records/s> <bytes of OUT>" (best of 3). Numbers only; nothing is asserted.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../tests/node/package.json'));
const { DuckDBInstance } = require('@duckdb/node-api');

const [file, codec, out] = process.argv.slice(2);
if (!out) {
  process.stderr.write('usage: node bench/duckdb-parquet.mjs FILE.jsonl CODEC OUT.parquet\n');
  process.exit(2);
}
const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await inst.connect();
const q = (s) => `'${s.replace(/'/g, "''")}'`;
const rows = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l).length;
let best = Infinity;
for (let i = 0; i < 3; i++) {
  const t0 = process.hrtime.bigint();
  await con.run(`COPY (SELECT * FROM read_json(${q(file)}, format = 'newline_delimited')) TO ${q(out)}
                 (FORMAT parquet, COMPRESSION ${codec})`);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (s < best) best = s;
}
process.stdout.write(`${Math.round(rows / best)} ${fs.statSync(out).size}\n`);
