import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StorageError } from "../errors/storage-error.ts";
import { SqliteReadPool } from "./sqlite-read-pool.ts";
import { SqliteTxStore } from "./sqlite-tx-store.ts";
import { makeTx } from "./tx-store.suite.ts";
import type { LocatedBatch, TxRecord } from "./tx-store.ts";

const root = mkdtempSync(join(tmpdir(), "stores-read-pool-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function seeded(name: string, n: number): Promise<{ path: string; recs: TxRecord[] }> {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "txs.sqlite");
  const recs = Array.from({ length: n }, (_, i) => makeTx(i + 1, 60 + (i % 200)));
  const s = SqliteTxStore.open(path, { readWorkers: 0 });
  await s.putTxs(recs);
  await s.close();
  return { path, recs };
}

/** Resolves once `cond()` holds; polls, since the worker's reply comes on its own schedule. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await Bun.sleep(10);
  expect(cond()).toBe(true);
}

describe("SqliteReadPool", () => {
  test("answers in request order, unknowns as undefined, with the bytes the caller's thread reads", async () => {
    const { path, recs } = await seeded("order", 3000);
    const pool = new SqliteReadPool(path, { size: 2 });
    const unknown = makeTx(999_999).hash;
    const ask = [...recs.slice(0, 1500).reverse(), recs[7]!, recs[7]!].map((r) => r.hash);
    ask.splice(100, 0, unknown);
    const [a, b] = await Promise.all([pool.getTxs(ask), pool.getTxs(recs.slice(1500).map((r) => r.hash))]);
    const want = ask.map((h) => recs.find((r) => Buffer.compare(r.hash, h) === 0)?.standard);
    expect(a).toEqual(want);
    expect(a.filter((t) => t === undefined).length).toBe(1);
    expect(b).toEqual(recs.slice(1500).map((r) => r.standard));
    expect(pool.stats).toEqual({ workers: 2, running: 0, queued: 0 });
    await pool.close();
    expect(pool.stats.workers).toBe(0);
  });

  test("a read cancelled while running or while queued rejects with the signal's reason and leaves the pool idle", async () => {
    const { path, recs } = await seeded("cancel", 5000);
    const pool = new SqliteReadPool(path, { size: 1 });
    const hashes = recs.map((r) => r.hash);
    const running = new AbortController();
    const queued = new AbortController();
    const p1 = pool.getTxs(hashes, running.signal);
    const p2 = pool.getTxs(hashes, queued.signal);
    expect(pool.stats).toEqual({ workers: 1, running: 1, queued: 1 });
    queued.abort(new Error("queued gone"));
    expect(pool.stats.queued).toBe(0);
    running.abort(new Error("running gone"));
    await expect(p1).rejects.toThrow("running gone");
    await expect(p2).rejects.toThrow("queued gone");
    // The worker sees the flag, stops, and its reply frees the slot; it is reused, not replaced.
    await until(() => pool.stats.running === 0);
    expect(await pool.getTxs(hashes.slice(0, 10))).toEqual(recs.slice(0, 10).map((r) => r.standard));
    expect(pool.stats).toEqual({ workers: 1, running: 0, queued: 0 });
    await pool.close();
  });

  test("an already aborted signal throws before anything is queued", async () => {
    const { path } = await seeded("pre-aborted", 10);
    const pool = new SqliteReadPool(path, { size: 1 });
    const ac = new AbortController();
    ac.abort(new Error("before"));
    expect(() => pool.getTxs([makeTx(1).hash], ac.signal)).toThrow("before");
    expect(pool.stats).toEqual({ workers: 0, running: 0, queued: 0 });
    await pool.close();
  });

  test("a store error in a worker surfaces as the typed StorageError (a located tx whose file is gone)", async () => {
    const dir = join(root, "located");
    mkdirSync(dir, { recursive: true });
    const txs = Array.from({ length: 300 }, (_, i) => makeTx(50_000 + i, 120));
    const file = join(dir, "a.subtreeData");
    writeFileSync(file, Buffer.concat(txs.map((t) => t.standard)));
    const b: LocatedBatch = {
      path: file,
      hashes: new Uint8Array(Buffer.concat(txs.map((t) => t.hash))),
      offsets: Float64Array.from(txs, (_, i) => i * 120),
      lengths: Uint32Array.from(txs, () => 120),
    };
    const store = SqliteTxStore.open(join(dir, "txs.sqlite"), { readWorkers: 1 });
    await store.putTxBatches([b]);
    expect(await store.getTxs(txs.map((t) => t.hash))).toEqual(txs.map((t) => t.standard));
    rmSync(file);
    const error = await store.getTxs(txs.map((t) => t.hash)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe("MISSING_DATA");
    expect((error as StorageError).file).toBe(file);
    expect(store.readWorkers).toEqual({ workers: 1, running: 0, queued: 0 });
    await store.close();
    expect(store.readWorkers.workers).toBe(0);
  });

  test("close rejects reads waiting and running with CLOSED and ends every worker", async () => {
    const { path, recs } = await seeded("close", 2000);
    const pool = new SqliteReadPool(path, { size: 1 });
    const hashes = recs.map((r) => r.hash);
    const reads = [pool.getTxs(hashes), pool.getTxs(hashes)].map((p) => p.catch((e: unknown) => e));
    await pool.close();
    for (const e of await Promise.all(reads)) expect((e as StorageError).code).toBe("CLOSED");
    expect(pool.stats).toEqual({ workers: 0, running: 0, queued: 0 });
    expect((await pool.getTxs(hashes).catch((e: unknown) => e)) as StorageError).toBeInstanceOf(StorageError);
  });

  test("an idle worker ends after idleMs, and the next read starts one again", async () => {
    const { path, recs } = await seeded("idle", 300);
    const pool = new SqliteReadPool(path, { size: 1, idleMs: 20 });
    await pool.getTxs(recs.map((r) => r.hash));
    await until(() => pool.stats.workers === 0);
    expect(await pool.getTxs([recs[0]!.hash])).toEqual([recs[0]!.standard]);
    await pool.close();
  });

  test("a store that cannot be opened in the worker fails the read with IO naming the file", async () => {
    const pool = new SqliteReadPool(join(root, "no-such-dir", "deeper"), { size: 1 });
    // A directory where the database file should be cannot be opened as one.
    mkdirSync(join(root, "no-such-dir", "deeper"), { recursive: true });
    const error = (await pool.getTxs([makeTx(1).hash]).catch((e: unknown) => e)) as StorageError;
    expect(error).toBeInstanceOf(StorageError);
    expect(error.code).toBe("IO");
    expect(error.message).toContain("deeper");
    await until(() => pool.stats.workers === 0);
    await pool.close();
  });
});
