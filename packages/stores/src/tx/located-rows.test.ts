import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toDisplayHex } from "@subtreekit/subtree-stream";
import { StorageError } from "../errors/storage-error.ts";
import { SqliteTxStore } from "./sqlite-tx-store.ts";
import { makeTx } from "./tx-store.suite.ts";
import type { LocatedBatch, TxRecord } from "./tx-store.ts";

const root = mkdtempSync(join(tmpdir(), "stores-located-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A data file as the validator keeps it (an 8-byte head, then the txs back to back), and its located batch. */
function dataFile(path: string, txs: TxRecord[]): LocatedBatch {
  const head = new TextEncoder().encode("SD-1.0  ");
  writeFileSync(path, Buffer.concat([head, ...txs.map((t) => t.standard)]));
  const b: LocatedBatch = {
    path,
    hashes: new Uint8Array(Buffer.concat(txs.map((t) => t.hash))),
    offsets: new Float64Array(txs.length),
    lengths: new Uint32Array(txs.length),
  };
  let off = head.length;
  txs.forEach((t, i) => {
    b.offsets[i] = off;
    b.lengths[i] = t.standard.length;
    off += t.standard.length;
  });
  return b;
}

function fresh(name: string) {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  return { dir, db: join(dir, "txs.sqlite") };
}

describe("txs stored by location (schema v3)", () => {
  test("are read back byte for byte from their file, mixed with byte rows, and keep no tx bytes in the database", async () => {
    const { dir, db } = fresh("mixed");
    const inFile = Array.from({ length: 300 }, (_, i) => makeTx(10_000 + i, 100 + (i % 50)));
    const asBytes = Array.from({ length: 40 }, (_, i) => makeTx(20_000 + i));
    const s = SqliteTxStore.open(db);
    await s.putTxBatches([dataFile(join(dir, "a.subtreeData"), inFile), asBytes]);
    expect(await s.count()).toBe(340);
    const all = [...asBytes, ...inFile].reverse();
    expect(await s.getTxs(all.map((t) => t.hash))).toEqual(all.map((t) => t.standard));
    expect(await s.has(all.map((t) => t.hash))).toEqual(all.map(() => true));
    const one = await s.getTx(inFile[7]!.hash);
    // A located tx's size is its length; it has no fee or EF form.
    expect(one).toEqual({ standard: inFile[7]!.standard, size: inFile[7]!.size });
    await s.close();
    const raw = new Database(db, { readonly: true });
    const stored = raw.query("SELECT sum(length(standard)) AS n FROM txs WHERE file IS NOT NULL").get() as {
      n: number;
    };
    const paths = raw.query("SELECT path FROM files").values();
    raw.close();
    expect(stored.n).toBe(0);
    // Recorded relative to the database's directory.
    expect(paths).toEqual([["a.subtreeData"]]);
  });

  test("a repeat of a stored txid keeps the first row, whichever form either has", async () => {
    const { dir, db } = fresh("repeat");
    const txs = Array.from({ length: 5 }, (_, i) => makeTx(30_000 + i));
    const s = SqliteTxStore.open(db);
    await s.putTxs([txs[0]!]);
    await s.putTxBatches([dataFile(join(dir, "b.subtreeData"), txs)]);
    await s.putTxBatches([dataFile(join(dir, "c.subtreeData"), txs)]);
    expect(await s.count()).toBe(5);
    rmSync(join(dir, "c.subtreeData"));
    expect(await s.getTxs(txs.map((t) => t.hash))).toEqual(txs.map((t) => t.standard));
    await s.close();
  });

  test("a data directory moved whole still reads: paths are kept relative to the database", async () => {
    const { dir, db } = fresh("moving");
    const txs = Array.from({ length: 20 }, (_, i) => makeTx(40_000 + i));
    const s = SqliteTxStore.open(db);
    await s.putTxBatches([dataFile(join(dir, "d.subtreeData"), txs)]);
    await s.close();
    const moved = join(root, "moved");
    renameSync(dir, moved);
    const again = SqliteTxStore.open(join(moved, "txs.sqlite"));
    expect(await again.getTxs(txs.map((t) => t.hash))).toEqual(txs.map((t) => t.standard));
    await again.close();
  });

  test("a gone or truncated file is a MISSING_DATA error naming the file, the tx and the offset, never a silent miss", async () => {
    const { dir, db } = fresh("gone");
    const txs = Array.from({ length: 10 }, (_, i) => makeTx(50_000 + i, 200));
    const path = join(dir, "e.subtreeData");
    const s = SqliteTxStore.open(db);
    await s.putTxBatches([dataFile(path, txs)]);
    truncateSync(path, 8 + 200 * 9 + 50);
    const last = txs[9]!;
    const err = await s.getTxs([txs[0]!.hash, last.hash]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).code).toBe("MISSING_DATA");
    expect((err as StorageError).file).toBe(path);
    expect((err as Error).message).toContain(toDisplayHex(last.hash));
    expect((err as Error).message).toContain(`offset ${8 + 200 * 9}`);
    // The txs before the cut are whole.
    expect(await s.getTxs([txs[8]!.hash])).toEqual([txs[8]!.standard]);
    rmSync(path);
    const gone = await s.getTx(txs[0]!.hash).catch((e: unknown) => e);
    expect((gone as StorageError).code).toBe("MISSING_DATA");
    expect((gone as Error).message).toContain(path);
    await s.close();
  });

  test("a bad located batch is rejected whole, naming the column and index, and stores nothing", async () => {
    const { dir, db } = fresh("bad");
    const txs = Array.from({ length: 3 }, (_, i) => makeTx(60_000 + i));
    const good = dataFile(join(dir, "f.subtreeData"), txs);
    const s = SqliteTxStore.open(db);
    const offsets = Float64Array.from(good.offsets);
    offsets[1] = -1;
    const lengths = Uint32Array.from(good.lengths);
    lengths[1] = 0;
    for (const [bad, message] of [
      [{ ...good, offsets }, "located batch: offset 1 must be a non-negative integer, got -1"],
      [{ ...good, lengths }, "located batch: length 1 must be positive, got 0"],
      [{ ...good, path: "" }, "located batch: path must be a file path"],
      [{ ...good, hashes: good.hashes.subarray(0, 40) }, "located batch: hashes must be a Uint8Array of 32-byte txids"],
      [{ ...good, lengths: good.lengths.subarray(0, 2) }, "located batch: lengths must be a Uint32Array of 3"],
    ] as const) {
      await expect(s.putTxBatches([txs.slice(0, 1), bad])).rejects.toThrow(message);
    }
    expect(await s.count()).toBe(0);
    await s.close();
  });
});

describe("SqliteTxStore schema v2 → v4", () => {
  test("a store the previous release wrote opens, keeps every row, and takes located rows", async () => {
    const { dir, db } = fresh("v2");
    const old = new Database(db, { create: true });
    old.run(`CREATE TABLE txs (id INTEGER PRIMARY KEY, k INTEGER NOT NULL, hash BLOB NOT NULL CHECK (length(hash) = 32),
      standard BLOB NOT NULL, extended BLOB, fee INTEGER, size INTEGER NOT NULL)`);
    old.run("CREATE INDEX txs_k ON txs(k)");
    const { hashKey48 } = await import("./sort-order.ts");
    const recs = Array.from({ length: 50 }, (_, i) => makeTx(70_000 + i));
    const ins = old.query("INSERT INTO txs (k, hash, standard, extended, fee, size) VALUES (?, ?, ?, NULL, ?, ?)");
    for (const r of recs) ins.run(hashKey48(r.hash), r.hash, r.standard, r.fee as number, r.size);
    old.run("PRAGMA user_version = 2");
    old.close();

    const s = SqliteTxStore.open(db);
    expect(await s.getTxs(recs.map((r) => r.hash))).toEqual(recs.map((r) => r.standard));
    const more = Array.from({ length: 5 }, (_, i) => makeTx(71_000 + i));
    await s.putTxBatches([dataFile(join(dir, "g.subtreeData"), more)]);
    expect(await s.count()).toBe(55);
    expect(await s.getTxs(more.map((r) => r.hash))).toEqual(more.map((r) => r.standard));
    await s.close();
    const raw = new Database(db, { readonly: true });
    expect((raw.query("PRAGMA user_version").get() as { user_version: number }).user_version).toBe(4);
    raw.close();
  });

  test("a store newer than this code is refused at open, untouched", async () => {
    const { db } = fresh("v9");
    const future = new Database(db, { create: true });
    future.run("CREATE TABLE txs (id INTEGER PRIMARY KEY)");
    future.run("PRAGMA user_version = 9");
    future.close();
    expect(() => SqliteTxStore.open(db)).toThrow("schema version 9 is newer than this code (4)");
  });
});

describe("putTxBatches({ absentAt }) after has() (the validator's commit)", () => {
  test("mark() changes when a tx is added, not when a repeat is put", async () => {
    const { db } = fresh("mark");
    const s = SqliteTxStore.open(db);
    const [a, b] = [makeTx(30_001), makeTx(30_002)];
    const m0 = await s.mark();
    await s.putTxs([a]);
    const m1 = await s.mark();
    expect(m1).not.toBe(m0);
    await s.putTxs([a]);
    expect(await s.mark()).toBe(m1);
    await s.putTxs([b]);
    expect(await s.mark()).not.toBe(m1);
    await s.close();
  });

  test("at the current mark, every row goes in and reads back by txid", async () => {
    const { dir, db } = fresh("absent-fresh");
    const s = SqliteTxStore.open(db);
    await s.putTxs([makeTx(31_000)]);
    const txs = Array.from({ length: 500 }, (_, i) => makeTx(31_001 + i, 80 + (i % 40)));
    const mark = await s.mark();
    expect(await s.has(txs.map((t) => t.hash))).toEqual(txs.map(() => false));
    await s.putTxBatches([dataFile(join(dir, "a.subtreeData"), txs.slice(0, 300)), txs.slice(300)], { absentAt: mark });
    expect(await s.count()).toBe(501);
    expect(await s.getTxs(txs.map((t) => t.hash))).toEqual(txs.map((t) => t.standard));
    await s.close();
  });

  test("the mark is trusted: nothing added since, nothing looked up (so callers pass only what has() found absent)", async () => {
    const { dir, db } = fresh("absent-trusted");
    const s = SqliteTxStore.open(db);
    const x = makeTx(32_000);
    await s.putTxs([x]);
    const mark = await s.mark();
    // The caller breaks its promise (x is stored): a row per put shows no lookup was made.
    await s.putTxBatches([dataFile(join(dir, "x.subtreeData"), [x])], { absentAt: mark });
    expect(await s.count()).toBe(2);
    await s.close();
  });

  test("another writer added txs after the mark: those are looked up, and a tx stored meanwhile keeps its one row", async () => {
    const { dir, db } = fresh("absent-raced");
    const ours = SqliteTxStore.open(db);
    const theirs = SqliteTxStore.open(db); // a second connection: another validator process
    const txs = Array.from({ length: 50 }, (_, i) => makeTx(33_000 + i));
    const mark = await ours.mark();
    expect(await ours.has(txs.map((t) => t.hash))).toEqual(txs.map(() => false));
    await theirs.putTxs([txs[7]!, txs[40]!, makeTx(33_100)]); // between our has() and our commit
    await ours.putTxBatches([dataFile(join(dir, "a.subtreeData"), txs.slice(0, 30)), txs.slice(30)], {
      absentAt: mark,
    });
    expect(await ours.count()).toBe(51);
    expect(await ours.getTxs(txs.map((t) => t.hash))).toEqual(txs.map((t) => t.standard));
    const raw = new Database(db, { readonly: true });
    const copies = raw.query("SELECT count(*) AS n FROM txs GROUP BY hash HAVING count(*) > 1").all();
    raw.close();
    expect(copies).toEqual([]);
    await theirs.close();
    await ours.close();
  });

  test("more added since the mark than the store holds keys for: every row is looked up", async () => {
    const { dir, db } = fresh("absent-many");
    const ours = SqliteTxStore.open(db);
    const theirs = SqliteTxStore.open(db);
    const mark = await ours.mark();
    const x = makeTx(34_000);
    // 65 537 rows added meanwhile, x among them
    const many = Array.from({ length: 65_536 }, (_, i) => makeTx(100_000 + i, 60));
    await theirs.putTxBatches([many, [x]]);
    await ours.putTxBatches([dataFile(join(dir, "x.subtreeData"), [x, makeTx(34_001)])], { absentAt: mark });
    expect(await ours.count()).toBe(65_538);
    await theirs.close();
    await ours.close();
  }, 30_000);
});
