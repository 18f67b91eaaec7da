// Benchmark: SqliteTxStore.getTxs of one 10,000-tx chunk of a subtree, against
//   (a) a raw unsorted prepared-statement loop over the same keys on a plain hash-keyed table
//       (goal: store ≥ 2×), plus (a') the same loop on the store's own layout (strategy alone);
//   (b) a sequential scan of the same rows (the physical limit; ratio printed).
// Data: ROWS txs of TX_BYTES random bytes, keyed by their sha256d, inserted in subtree order
// into a temp SQLite file, generated here. Every measurement uses a different chunk, so no
// method is helped by SQLite's page cache holding rows a previous one read.
//
//   bun bench/stores-sqlite.ts [rows=1000000] [reps=9]
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteTxStore, type TxRecord } from "../packages/stores/src/index.ts";
import { hashKey48 } from "../packages/stores/src/tx/sort-order.ts";
import { sha256d } from "../packages/subtree-stream/src/index.ts";

const ROWS = Number(process.argv[2] ?? 1_000_000);
const REPS = Number(process.argv[3] ?? 9);
const TX_BYTES = 250;
const CHUNK = 10_000;

const dir = mkdtempSync(join(tmpdir(), "bench-stores-sqlite-"));
const file = join(dir, "txs.sqlite");
try {
  const hashes: Uint8Array[] = new Array(ROWS);
  const store = SqliteTxStore.open(file);
  let t = performance.now();
  let seed = 0x9e3779b9;
  for (let at = 0; at < ROWS; at += 10_000) {
    const batch: TxRecord[] = [];
    for (let i = at; i < Math.min(ROWS, at + 10_000); i++) {
      const standard = new Uint8Array(TX_BYTES);
      for (let j = 0; j < TX_BYTES; j++) {
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        standard[j] = seed & 0xff;
      }
      hashes[i] = sha256d(standard);
      batch.push({ hash: hashes[i]!, standard, size: TX_BYTES, fee: 1 });
    }
    await store.putTxs(batch);
  }
  console.log(
    `generated ${ROWS} rows × ${TX_BYTES} B in ${((performance.now() - t) / 1000).toFixed(1)} s, ` +
      `file ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB`,
  );

  // A chunk of a subtree = CHUNK consecutive nodes, i.e. consecutive rows in insert order.
  const chunks = Math.floor(ROWS / CHUNK);
  const chunkAt = (k: number) => (k * 7919) % chunks; // spread over the file, all distinct for k < chunks
  const keys = (k: number) => hashes.slice(chunkAt(k) * CHUNK, chunkAt(k) * CHUNK + CHUNK);

  // (a) The straightforward design the issue measured: a `WITHOUT ROWID` table keyed by the
  // hash, same rows, in its own file, looked up one by one in request order.
  t = performance.now();
  const naiveFile = join(dir, "naive.sqlite");
  const build = new Database(naiveFile, { create: true });
  build.run("PRAGMA journal_mode = WAL");
  build.run("CREATE TABLE txs (hash BLOB PRIMARY KEY, standard BLOB NOT NULL) WITHOUT ROWID");
  build.run(`ATTACH DATABASE '${file}' AS src`);
  build.run("INSERT INTO txs (hash, standard) SELECT hash, standard FROM src.txs ORDER BY id");
  build.close();
  console.log(`built the naive WITHOUT ROWID copy in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // Both baselines get the store's mmap, so the ratios measure layout and strategy, not a pragma.
  const naive = new Database(naiveFile, { readonly: true });
  naive.run(`PRAGMA mmap_size = ${2 ** 30}`);
  const naiveGet = naive.query<{ standard: Uint8Array }, [Uint8Array]>("SELECT standard FROM txs WHERE hash = ?1");
  const raw = new Database(file, { readonly: true });
  raw.run(`PRAGMA mmap_size = ${2 ** 30}`);
  // (a') Ablation: the store's own table and index, but unsorted point lookups outside a
  // transaction: what key order, one transaction and rowid-ordered range reads add by themselves.
  const rawGet = raw.query<{ standard: Uint8Array }, [number, Uint8Array]>(
    "SELECT standard FROM txs WHERE k = ?1 AND hash = ?2",
  );
  const scan = raw.query<{ standard: Uint8Array }, [number, number]>(
    "SELECT standard FROM txs WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
  );

  const methods: Record<string, (k: number) => Promise<number>> = {
    "store.getTxs": async (k) => {
      const got = await store.getTxs(keys(k));
      return got.filter((x) => x !== undefined).length;
    },
    "(a) raw unsorted loop, hash-keyed table": async (k) => {
      let n = 0;
      for (const h of keys(k)) if (naiveGet.get(h)) n++;
      return n;
    },
    "(a') raw unsorted loop, store's layout": async (k) => {
      let n = 0;
      for (const h of keys(k)) if (rawGet.get(hashKey48(h), h)) n++;
      return n;
    },
    "(b) sequential scan of the rows": async (k) => {
      const first = chunkAt(k) * CHUNK + 1;
      return scan.all(first, first + CHUNK - 1).length;
    },
  };
  const names = Object.keys(methods);
  const best: Record<string, number> = {};
  let k = 0;
  for (let r = 0; r < REPS; r++) {
    for (const name of names) {
      t = performance.now();
      const n = await methods[name]!(k++);
      const s = (performance.now() - t) / 1000;
      if (n !== CHUNK) throw new Error(`${name} found ${n} of ${CHUNK} rows`);
      best[name] = Math.max(best[name] ?? 0, CHUNK / s);
    }
  }
  const [store1, naiveA, rawA, scanB] = names.map((n) => best[n]!) as [number, number, number, number];
  console.log(`\nbest of ${REPS}, rows/s, one ${CHUNK}-tx chunk each (a different chunk every time):`);
  for (const n of names) console.log(`  ${n.padEnd(40)} ${Math.round(best[n]!).toLocaleString("en-US").padStart(12)}`);
  console.log(`\nratio store / (a) raw unsorted loop:        ${(store1 / naiveA).toFixed(2)}× (goal ≥ 2×)`);
  console.log(`ratio store / (a') same layout, unsorted:   ${(store1 / rawA).toFixed(2)}× (strategy alone)`);
  console.log(`ratio store / (b) sequential scan:          ${(store1 / scanB).toFixed(2)} (1.0 = the physical limit)`);
  naive.close();
  raw.close();
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
