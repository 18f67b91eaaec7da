// Measurement for issue 17: bytes on disk of the ways a peer could keep verified txs, against the
// raw bytes it must keep anyway (the txs once, plus the subtree file: 48 bytes a node).
//
// Layouts (each holds the same n txs of one size, random bytes, random txids):
//   today            SqliteTxStore as shipped (rowid table of whole txs + index on a 6-byte key),
//                    beside the verified .subtreeData file the validator also keeps
//   today, page N    the same schema in a file created with PRAGMA page_size = N
//   index → file     no tx bytes in SQLite: txid → (file, offset, length) rows, WITHOUT ROWID,
//                    the .subtreeData file is the bytes' only home
//   index → file, k  the same as a rowid table with today's 6-byte integer key index
//   postgres         PostgresTxStore as shipped (it keeps bytes, also of located batches), in a
//                    fresh schema of the test Postgres; db = pg_total_relation_size of its tables
//                    (heap, TOAST, indexes), beside the same .subtreeData file
//
// Deterministic (file sizes), so it may run on a busy machine; insert seconds are printed too,
// for orientation only.
//
//   bun bench/tx-store-bytes.ts [n=20000] [sizes=250,2000]
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { PostgresTxStore, SqliteTxStore } from "../packages/stores/src/index.ts";
import { hashKey48 } from "../packages/stores/src/tx/sort-order.ts";
import { freshPgSchema } from "./lib/pg-schema.ts";

const n = Number(process.argv[2] ?? 20_000);
const sizes = (process.argv[3] ?? "250,2000").split(",").map(Number);
if (!Number.isInteger(n) || n < 1 || sizes.some((s) => !Number.isInteger(s) || s < 60))
  throw new Error("usage: bun bench/tx-store-bytes.ts [n ≥ 1] [sizes, each ≥ 60, comma-separated]");

const dir = mkdtempSync(join(tmpdir(), "bench-tx-bytes-"));
console.log(
  `${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)} (bytes are deterministic; seconds are not)`,
);
/** Size of a SQLite database after its WAL is folded in. */
function dbBytes(path: string): number {
  const db = new Database(path);
  db.run("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  let bytes = statSync(path).size;
  for (const ext of ["-wal", "-shm"]) bytes += statSync(path + ext, { throwIfNoEntry: false })?.size ?? 0;
  return bytes;
}

try {
  for (const size of sizes) {
    const hashes = Array.from({ length: n }, () => crypto.getRandomValues(new Uint8Array(32)));
    const tx = crypto.getRandomValues(new Uint8Array(size));
    const raw = n * size + n * 48 + 64; // the txs once, the subtree file (nodes + head, about)
    console.log(`\n${n} txs × ${size} B: raw ${(raw / 2 ** 20).toFixed(1)} MiB (txs + subtree file)`);
    const row = (name: string, dbB: number, s: number) => {
      const total = dbB + raw; // the data and subtree files are kept in every layout
      console.log(
        `  ${name.padEnd(22)} db ${(dbB / 2 ** 20).toFixed(1).padStart(7)} MiB  ` +
          `total/raw ${(total / raw).toFixed(2)}  insert ${s.toFixed(2)} s`,
      );
    };
    for (const page of [0, 8192, 16384, 65536]) {
      const path = join(dir, `today-${size}-${page}.sqlite`);
      if (page) {
        const db = new Database(path, { create: true });
        db.run(`PRAGMA page_size = ${page}`);
        db.run("CREATE TABLE _p(a); DROP TABLE _p;");
        db.close();
      }
      const store = SqliteTxStore.open(path);
      const t0 = performance.now();
      for (let i = 0; i < n; i += 5000)
        await store.putTxs(hashes.slice(i, i + 5000).map((hash) => ({ hash, standard: tx, size })));
      const s = (performance.now() - t0) / 1000;
      await store.close();
      row(page ? `today, page ${page}` : "today (page 4096)", dbBytes(path), s);
    }
    for (const keyed of [false, true]) {
      const path = join(dir, `index-${size}-${keyed}.sqlite`);
      const db = new Database(path, { create: true });
      db.run("PRAGMA journal_mode = WAL");
      db.run(
        keyed
          ? "CREATE TABLE loc (id INTEGER PRIMARY KEY, k INTEGER NOT NULL, hash BLOB NOT NULL, file INTEGER NOT NULL, off INTEGER NOT NULL, len INTEGER NOT NULL)"
          : "CREATE TABLE loc (hash BLOB PRIMARY KEY, file INTEGER NOT NULL, off INTEGER NOT NULL, len INTEGER NOT NULL) WITHOUT ROWID",
      );
      if (keyed) db.run("CREATE INDEX loc_k ON loc(k)");
      const ins = keyed
        ? db.query("INSERT INTO loc (k, hash, file, off, len) VALUES (?1, ?2, 1, ?3, ?4)")
        : db.query("INSERT INTO loc (hash, file, off, len) VALUES (?1, 1, ?2, ?3)");
      const t0 = performance.now();
      db.transaction(() => {
        for (let i = 0; i < n; i++) {
          const h = hashes[i]!;
          if (keyed) ins.run(hashKey48(h), h, 8 + i * size, size);
          else (ins as unknown as { run: (...a: unknown[]) => void }).run(h, 8 + i * size, size);
        }
      })();
      const s = (performance.now() - t0) / 1000;
      db.close();
      row(keyed ? "index → file, k" : "index → file", dbBytes(path), s);
    }
    const pg = await freshPgSchema(`bytes_${size}`);
    if (pg) {
      try {
        const store = await PostgresTxStore.open(pg.url, { poolSize: 2 });
        const t0 = performance.now();
        for (let i = 0; i < n; i += 5000)
          await store.putTxs(hashes.slice(i, i + 5000).map((hash) => ({ hash, standard: tx, size })));
        const s = (performance.now() - t0) / 1000;
        await store.close();
        row("postgres (bytes)", await pg.bytes(), s);
      } finally {
        await pg.drop();
      }
    }
  }
  console.log(
    "\ntotal/raw counts the db plus the .subtreeData and subtree files every layout keeps (issue 17 goal ≤ 1.3).",
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
