import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileBlobStore } from "../blob/file-blob-store.ts";
import { StorageError } from "../errors/storage-error.ts";
import { hashKey48 } from "./sort-order.ts";
import { SqliteTxStore } from "./sqlite-tx-store.ts";
import { makeTx } from "./tx-store.suite.ts";
import type { LocatedBatch, TxRecord } from "./tx-store.ts";

// Pruning a verified `.subtreeData` that the tx store locates txs in: the rows are re-homed
// (bytes copied in) before the file is unlinked, so no row ever points at a deleted file.
const root = mkdtempSync(join(tmpdir(), "stores-release-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fresh(name: string) {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const blobs = new FileBlobStore(join(dir, "blobs"), { fsync: "none" });
  const txs = SqliteTxStore.open(join(dir, "txs.sqlite"));
  return { dir, blobs, txs, db: join(dir, "txs.sqlite") };
}

/** Publishes `txs` as a `.subtreeData` blob (the validator's data file) and returns its located batch. */
async function dataBlob(blobs: FileBlobStore, seed: number, txs: TxRecord[], dah?: number): Promise<LocatedBatch> {
  const key = makeTx(seed).hash;
  await blobs.put(key, "subtreeData", Buffer.concat(txs.map((t) => t.standard)), dah ? { dah } : {});
  const offsets = new Float64Array(txs.length);
  let off = 8; // the blob's magic
  txs.forEach((t, i) => {
    offsets[i] = off;
    off += t.standard.length;
  });
  return {
    path: blobs.path(key, "subtreeData"),
    hashes: new Uint8Array(Buffer.concat(txs.map((t) => t.hash))),
    offsets,
    lengths: Uint32Array.from(txs, (t) => t.standard.length),
  };
}

function rawQuery<T>(db: string, sql: string): T[] {
  const raw = new Database(db, { readonly: true });
  try {
    return raw.query(sql).all() as T[];
  } finally {
    raw.close();
  }
}

const txsOf = (from: number, n: number, size = 250) => Array.from({ length: n }, (_, i) => makeTx(from + i, size));

describe("pruning a data file the tx store locates txs in", () => {
  test("re-homes its txs first: getTxs/getTx still return the bytes, the file is gone and `files` forgets it", async () => {
    const { blobs, txs, db } = fresh("rehome");
    const expiring = txsOf(100_000, 300, 180);
    const kept = txsOf(110_000, 50);
    const asBytes = txsOf(120_000, 20);
    const a = await dataBlob(blobs, 1, expiring, 100);
    const b = await dataBlob(blobs, 2, kept, 500);
    // A txid put as bytes first keeps its byte row when later located: released all the same.
    await txs.putTxs([...asBytes, expiring[3]!]);
    await txs.putTxBatches([a, b]);
    const released: string[] = [];
    const pruned = await blobs.pruneExpired(101, {
      beforeUnlink: async (path, signal) => {
        released.push(path);
        return txs.releaseFile(path, { signal });
      },
    });
    expect(pruned).toBe(1);
    expect(released).toEqual([a.path]);
    expect(existsSync(a.path)).toBe(false);
    expect(existsSync(b.path)).toBe(true);
    const all = [...expiring, ...kept, ...asBytes];
    expect(await txs.getTxs(all.map((t) => t.hash))).toEqual(all.map((t) => t.standard));
    expect(await txs.getTx(expiring[299]!.hash)).toEqual({ standard: expiring[299]!.standard, size: 180 });
    expect(await txs.count()).toBe(370);
    await txs.close();
    expect(rawQuery<{ path: string }>(db, "SELECT path FROM files").map((r) => r.path)).toEqual([
      "blobs/" + b.path.split("/blobs/")[1]!,
    ]);
    expect(rawQuery<{ n: number }>(db, "SELECT count(*) AS n FROM txs WHERE file IS NOT NULL")[0]!.n).toBe(50);
  });

  test("releaseFile re-homes every row of a file over rowid stretches shared with other files, chunk by chunk", async () => {
    const { blobs, txs, db } = fresh("stretches");
    // 5000 rows of A (more than one chunk), then B's, then A again in a later commit: A's recorded
    // rowid range spans B's rows, which must stay located.
    const a1 = txsOf(200_000, 5000, 100);
    const bTxs = txsOf(210_000, 700, 100);
    const a2 = txsOf(220_000, 300, 100);
    const a = await dataBlob(blobs, 3, [...a1, ...a2]);
    const b = await dataBlob(blobs, 4, bTxs);
    const part = (from: number, to: number): LocatedBatch => ({
      path: a.path,
      hashes: a.hashes.subarray(from * 32, to * 32),
      offsets: a.offsets.subarray(from, to),
      lengths: a.lengths.subarray(from, to),
    });
    await txs.putTxBatches([part(0, 5000), b]);
    await txs.putTxBatches([part(5000, 5300)]);
    expect(await txs.releaseFile(a.path)).toBe(5300);
    expect(await txs.releaseFile(a.path)).toBe(0);
    rmSync(a.path);
    const all = [...a1, ...a2, ...bTxs];
    expect(await txs.getTxs(all.map((t) => t.hash))).toEqual(all.map((t) => t.standard));
    await txs.close();
    expect(rawQuery<{ n: number }>(db, "SELECT count(*) AS n FROM txs WHERE file IS NOT NULL")[0]!.n).toBe(700);
    expect(rawQuery<{ n: number }>(db, "SELECT count(*) AS n FROM files")[0]!.n).toBe(1);
  });

  test("a large release lets the event loop run between chunks; one cut short keeps the earlier chunks re-homed and the file known", async () => {
    const { blobs, txs, db } = fresh("chunks");
    const list = txsOf(600_000, 10_000, 100); // more than two chunks of 4096
    const a = await dataBlob(blobs, 9, list);
    await txs.putTxBatches([a]);
    // A tx of the third chunk lies past the cut: the first two chunks re-home, the third cannot.
    truncateSync(a.path, 8 + 100 * 9000);
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const err = await txs.releaseFile(a.path).catch((e: unknown) => e);
    clearInterval(ticker);
    expect((err as StorageError).code).toBe("MISSING_DATA");
    expect(turns).toBeGreaterThanOrEqual(1);
    // Every tx before the cut still reads, from its row or from the file.
    expect(await txs.getTxs(list.slice(0, 9000).map((t) => t.hash))).toEqual(
      list.slice(0, 9000).map((t) => t.standard),
    );
    await txs.close();
    expect(rawQuery<{ n: number }>(db, "SELECT count(*) AS n FROM txs WHERE file IS NOT NULL")[0]!.n).toBe(
      10_000 - 8192,
    );
    expect(rawQuery<{ n: number }>(db, "SELECT count(*) AS n FROM files")[0]!.n).toBe(1);
  });

  test("a pruner reaching the blob directory through a symlink (or the writer doing so) still re-homes first", async () => {
    const { dir, txs } = fresh("symlink");
    mkdirSync(join(dir, "real"));
    symlinkSync(join(dir, "real"), join(dir, "link"));
    const viaReal = new FileBlobStore(join(dir, "real"), { fsync: "none" });
    const viaLink = new FileBlobStore(join(dir, "link"), { fsync: "none" });
    const one = txsOf(700_000, 30);
    const two = txsOf(710_000, 30);
    // Written through the link, pruned through the real path; and the other way round.
    await txs.putTxBatches([await dataBlob(viaLink, 9, one, 10)]);
    await txs.putTxBatches([await dataBlob(viaReal, 10, two, 20)]);
    const release = (p: string, signal: AbortSignal | undefined) => txs.releaseFile(p, { signal });
    expect(await viaReal.pruneExpired(10, { beforeUnlink: release })).toBe(1);
    expect(await viaLink.pruneExpired(20, { beforeUnlink: release })).toBe(1);
    const all = [...one, ...two];
    expect(await txs.getTxs(all.map((t) => t.hash))).toEqual(all.map((t) => t.standard));
    await txs.close();
  });

  test("a release that throws (failure-injection fake hook) keeps the blob, its .dah and rows; prune throws RELEASE_FAILED naming it after pruning the rest", async () => {
    const { blobs, txs } = fresh("hook-throws");
    const stuck = txsOf(300_000, 40);
    const other = txsOf(310_000, 40);
    const a = await dataBlob(blobs, 5, stuck, 10);
    const b = await dataBlob(blobs, 6, other, 10);
    await txs.putTxBatches([a, b]);
    const boom = new Error("injected: disk full");
    const err = await blobs
      .pruneExpired(20, {
        beforeUnlink: async (path, signal) => {
          if (path === a.path) throw boom;
          return txs.releaseFile(path, { signal });
        },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).code).toBe("RELEASE_FAILED");
    expect((err as StorageError).file).toBe(a.path);
    expect((err as StorageError).cause).toBe(boom);
    expect((err as Error).message).toContain(a.path);
    expect((err as Error).message).toContain("pruned 1");
    expect(existsSync(a.path)).toBe(true);
    expect(existsSync(`${a.path}.dah`)).toBe(true);
    expect(existsSync(b.path)).toBe(false);
    const all = [...stuck, ...other];
    expect(await txs.getTxs(all.map((t) => t.hash))).toEqual(all.map((t) => t.standard));
    // The next run, with the hook working, prunes it.
    expect(await blobs.pruneExpired(20, { beforeUnlink: (p, signal) => txs.releaseFile(p, { signal }) })).toBe(1);
    expect(await txs.getTxs(stuck.map((t) => t.hash))).toEqual(stuck.map((t) => t.standard));
    await txs.close();
  });

  test("a data file cut short cannot be re-homed: releaseFile changes nothing (MISSING_DATA) and pruning keeps the file", async () => {
    const { blobs, txs, db } = fresh("short");
    const list = txsOf(400_000, 30, 200);
    const a = await dataBlob(blobs, 7, list, 10);
    await txs.putTxBatches([a]);
    truncateSync(a.path, 8 + 200 * 29 + 10);
    const err = await blobs
      .pruneExpired(10, { beforeUnlink: (p, signal) => txs.releaseFile(p, { signal }) })
      .catch((e: unknown) => e);
    expect((err as StorageError).code).toBe("RELEASE_FAILED");
    expect(((err as StorageError).cause as StorageError).code).toBe("MISSING_DATA");
    expect(existsSync(a.path)).toBe(true);
    // Rolled back whole: every row is still located, the intact ones still read.
    expect(await txs.getTxs(list.slice(0, 29).map((t) => t.hash))).toEqual(list.slice(0, 29).map((t) => t.standard));
    await txs.close();
    expect(rawQuery<{ n: number }>(db, "SELECT count(*) AS n FROM txs WHERE file IS NOT NULL")[0]!.n).toBe(30);
    expect(rawQuery<{ n: number }>(db, "SELECT count(*) AS n FROM files")[0]!.n).toBe(1);
  });

  test("an aborted release rolls back and prune rejects with the signal's reason, keeping the file", async () => {
    const { blobs, txs } = fresh("abort");
    const list = txsOf(500_000, 10);
    const a = await dataBlob(blobs, 8, list, 10);
    await txs.putTxBatches([a]);
    const ac = new AbortController();
    const reason = new Error("stop");
    const err = await blobs
      .pruneExpired(10, {
        signal: ac.signal,
        beforeUnlink: async (p, signal) => {
          ac.abort(reason);
          return txs.releaseFile(p, { signal });
        },
      })
      .catch((e: unknown) => e);
    expect(err).toBe(reason);
    expect(existsSync(a.path)).toBe(true);
    expect(await txs.releaseFile(a.path)).toBe(10);
    await txs.close();
  });
});

describe("SqliteTxStore schema v3 → v4", () => {
  test("a v3 store's located rows get their file's rowid range, so releaseFile finds them", async () => {
    const { dir, txs } = fresh("v3");
    await txs.close();
    const old = new Database(join(dir, "v3.sqlite"), { create: true });
    old.run(`CREATE TABLE txs (id INTEGER PRIMARY KEY, k INTEGER NOT NULL, hash BLOB NOT NULL CHECK (length(hash) = 32),
      standard BLOB NOT NULL, extended BLOB, fee INTEGER, size INTEGER NOT NULL, file INTEGER, off INTEGER, len INTEGER)`);
    old.run("CREATE TABLE files (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE)");
    old.run("CREATE INDEX txs_k ON txs(k)");
    old.run("INSERT INTO files (id, path) VALUES (1, 'd.subtreeData'), (2, 'e.subtreeData')");
    const list = txsOf(600_000, 6, 50);
    await Bun.write(join(dir, "d.subtreeData"), Buffer.concat(list.map((t) => t.standard)));
    const ins = old.query(
      "INSERT INTO txs (k, hash, standard, size, file, off, len) VALUES (?1, ?2, x'', ?3, ?4, ?5, ?3)",
    );
    // Interleaved: d's rows are ids 1, 3, 5, 7, 9, 11.
    list.forEach((t, i) => {
      ins.run(hashKey48(t.hash), t.hash, 50, 1, i * 50);
      const other = makeTx(610_000 + i, 50);
      ins.run(hashKey48(other.hash), other.hash, 50, 2, i * 50);
    });
    old.run("PRAGMA user_version = 3");
    old.close();
    const s = SqliteTxStore.open(join(dir, "v3.sqlite"));
    expect(await s.releaseFile(join(dir, "d.subtreeData"))).toBe(6);
    rmSync(join(dir, "d.subtreeData"));
    expect(await s.getTxs(list.map((t) => t.hash))).toEqual(list.map((t) => t.standard));
    await s.close();
    const ranges = rawQuery<{ path: string; lo: number; hi: number }>(
      join(dir, "v3.sqlite"),
      "SELECT path, lo, hi FROM files",
    );
    expect(ranges).toEqual([{ path: "e.subtreeData", lo: 2, hi: 12 }]);
  });
});
