import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StoreOpenError } from "../errors/store-open-error.ts";
import { openTxStore } from "./open-tx-store.ts";
import { PostgresTxStore } from "./postgres-tx-store.ts";
import { SqliteTxStore } from "./sqlite-tx-store.ts";

const dir = mkdtempSync(join(tmpdir(), "stores-open-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("openTxStore", () => {
  test("sqlite:///abs opens SQLite at that path, creating directories", async () => {
    const path = join(dir, "abs", "deep", "txs.sqlite");
    const store = await openTxStore(`sqlite://${path}`);
    expect(store).toBeInstanceOf(SqliteTxStore);
    expect((store as SqliteTxStore).path).toBe(path);
    expect(await Bun.file(path).exists()).toBe(true);
    await store.close();
  });

  test("sqlite://./relative resolves against cwd", async () => {
    const store = await openTxStore("sqlite://./data/txstore.sqlite?mmap_size=0", { cwd: dir });
    expect((store as SqliteTxStore).path).toBe(join(dir, "data", "txstore.sqlite"));
    await store.close();
  });

  test("an unknown scheme fails at open with UNKNOWN_SCHEME", async () => {
    await expect(openTxStore("mysql://db/tx")).rejects.toMatchObject({
      name: "StoreOpenError",
      code: "UNKNOWN_SCHEME",
    });
    await expect(openTxStore("no scheme at all")).rejects.toBeInstanceOf(StoreOpenError);
  });

  test("a bad mmap_size or cache_kib is a BAD_URL naming the parameter", async () => {
    await expect(openTxStore(`sqlite://${join(dir, "x.sqlite")}?mmap_size=lots`)).rejects.toThrow(/mmap_size/);
    await expect(openTxStore(`sqlite://${join(dir, "x.sqlite")}?cache_kib=-1`)).rejects.toThrow(/cache_kib/);
  });

  test("cache_kib and mmap_size open a working store", async () => {
    const store = await openTxStore(`sqlite://${join(dir, "c.sqlite")}?cache_kib=2048&mmap_size=0`);
    expect(await store.has([new Uint8Array(32)])).toEqual([false]);
    await store.close();
  });

  test("postgres:// to an unreachable server fails at open, not at first use", async () => {
    const err = await openTxStore("postgres://u@127.0.0.1:1/txdb", { connectTimeoutS: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreOpenError);
    expect((err as Error).message).toMatch(/127\.0\.0\.1:1.*"txdb"/);
    expect(err).not.toBeInstanceOf(PostgresTxStore);
  });
});
