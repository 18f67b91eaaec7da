import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StoreOpenError } from "../errors/store-open-error.ts";
import { SqliteTxStore } from "./sqlite-tx-store.ts";
import { describeTxStore, makeTx } from "./tx-store.suite.ts";

const dir = mkdtempSync(join(tmpdir(), "stores-sqlite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeTxStore("SqliteTxStore", async () => SqliteTxStore.open(join(dir, "suite", "txs.sqlite")));
// With read workers, batches of 256+ hashes are answered in them: the contract holds there too.
describeTxStore("SqliteTxStore, reads in workers", async () =>
  SqliteTxStore.open(join(dir, "suite-workers", "txs.sqlite"), { readWorkers: 2 }),
);

describe("SqliteTxStore specifics", () => {
  test("data survives close and reopen; the schema migration is idempotent", async () => {
    const path = join(dir, "reopen.sqlite");
    const a = SqliteTxStore.open(path);
    const r = makeTx(1);
    await a.putTxs([r]);
    await a.close();
    const b = SqliteTxStore.open(path);
    expect((await b.getTxs([r.hash]))[0]).toEqual(r.standard);
    expect(await b.count()).toBe(1);
    await b.close();
  });

  test("the database file is in WAL mode", async () => {
    const path = join(dir, "pragmas.sqlite");
    const s = SqliteTxStore.open(path);
    await s.close();
    const { Database } = await import("bun:sqlite");
    const db = new Database(path);
    expect((db.query("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode).toBe("wal");
    db.close();
  });

  test("calls after close reject with a CLOSED StorageError", async () => {
    const s = SqliteTxStore.open(join(dir, "closed.sqlite"));
    await s.close();
    await s.close();
    await expect(s.getTxs([makeTx(1).hash])).rejects.toMatchObject({ name: "StorageError", code: "CLOSED" });
  });

  test("a path that cannot be created fails at open with StoreOpenError naming it", () => {
    const blocker = join(dir, "a-file");
    writeFileSync(blocker, "x");
    expect(() => SqliteTxStore.open(join(blocker, "sub", "txs.sqlite"))).toThrow(StoreOpenError);
  });

  test("a database failure mid-batch rolls the whole putTxs back (trigger-injected fault)", async () => {
    const path = join(dir, "fault.sqlite");
    const s = SqliteTxStore.open(path);
    const recs = Array.from({ length: 50 }, (_, i) => makeTx(500 + i));
    // A real SQLite trigger aborts the 40th insert: the store must not keep the first 39.
    const { Database } = await import("bun:sqlite");
    const db = new Database(path);
    db.run(
      `CREATE TRIGGER fail_one BEFORE INSERT ON txs WHEN new.fee = 539 BEGIN SELECT RAISE(ABORT, 'injected'); END`,
    );
    db.close();
    await expect(s.putTxs(recs)).rejects.toThrow("injected");
    expect(await s.count()).toBe(0);
    await s.close();
  });
});

describe("SqliteTxStore schema upgrade", () => {
  test("a version-1 file (unique hash index, no key column) is upgraded in place and keeps its rows", async () => {
    const path = join(dir, "v1.sqlite");
    const { Database } = await import("bun:sqlite");
    const db = new Database(path, { create: true });
    db.run(`CREATE TABLE txs (id INTEGER PRIMARY KEY, hash BLOB NOT NULL CHECK (length(hash) = 32),
      standard BLOB NOT NULL, extended BLOB, fee INTEGER, size INTEGER NOT NULL)`);
    db.run("CREATE UNIQUE INDEX txs_hash ON txs(hash)");
    const recs = Array.from({ length: 30 }, (_, i) => makeTx(900 + i));
    const ins = db.query("INSERT INTO txs (hash, standard, extended, fee, size) VALUES (?, ?, NULL, ?, ?)");
    for (const r of recs) ins.run(r.hash, r.standard, r.fee as number, r.size);
    db.run("PRAGMA user_version = 1");
    db.close();

    const s = SqliteTxStore.open(path);
    expect(await s.getTxs(recs.map((r) => r.hash))).toEqual(recs.map((r) => r.standard));
    await s.putTxs([recs[0]!, makeTx(999)]);
    expect(await s.count()).toBe(31);
    await s.close();
  });
});
