import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requirePostgres } from "@subtreekit/testkit";
import { StoreOpenError } from "../errors/store-open-error.ts";
import { PostgresTxStore } from "./postgres-tx-store.ts";
import { describeTxStore, makeTx } from "./tx-store.suite.ts";

const PG = await requirePostgres("postgres tx store");
// One schema per run (and per store), dropped at the end, so parallel runs never collide.
const RUN = `t_${process.pid}_${Date.now().toString(36)}`;
const schemas: string[] = [];
function schema(name: string): string {
  const s = `${RUN}_${name}`;
  schemas.push(s);
  return s;
}

afterAll(async () => {
  if (!PG) return;
  const sql = new Bun.SQL(PG, { max: 1 });
  for (const s of schemas) await sql.unsafe(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await sql.close();
});

if (PG) {
  describeTxStore("PostgresTxStore", () => PostgresTxStore.open(PG, { schema: schema("suite"), poolSize: 4 }));

  describe("PostgresTxStore specifics", () => {
    test("located records are stored as their bytes, read from the file at put (replicas may not share it); releaseFile has nothing to do", async () => {
      const store = await PostgresTxStore.open(PG, { schema: schema("located"), poolSize: 2 });
      const dir = mkdtempSync(join(tmpdir(), "pg-located-"));
      try {
        const txs = Array.from({ length: 20 }, (_, i) => makeTx(80_000 + i, 120));
        const path = join(dir, "a.subtreeData");
        writeFileSync(path, Buffer.concat([new Uint8Array(8), ...txs.map((t) => t.standard)]));
        const batch = {
          path,
          hashes: new Uint8Array(Buffer.concat(txs.map((t) => t.hash))),
          offsets: Float64Array.from(txs, (_, i) => 8 + i * 120),
          lengths: new Uint32Array(txs.length).fill(120),
        };
        await store.putTxBatches([batch]);
        // Nothing points at the file, so pruning it has nothing to re-home.
        expect(await store.releaseFile(path)).toBe(0);
        rmSync(path);
        expect(await store.getTxs(txs.map((t) => t.hash))).toEqual(txs.map((t) => t.standard));
        // A file that is not there fails the put, naming it, and stores nothing.
        const other = makeTx(81_000);
        const err = await store
          .putTxBatches([{ path, hashes: other.hash, offsets: Float64Array.of(8), lengths: Uint32Array.of(120) }])
          .catch((e: unknown) => e);
        expect((err as { code?: string }).code).toBe("MISSING_DATA");
        expect((err as Error).message).toContain(path);
        expect(await store.count()).toBe(20);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await store.close();
      }
    });

    test("opening twice at once migrates idempotently; ?schema= in the URL isolates", async () => {
      const s = schema("url");
      const url = `${PG}${PG.includes("?") ? "&" : "?"}schema=${s}&pool_size=2`;
      const [a, b] = await Promise.all([PostgresTxStore.open(url), PostgresTxStore.open(url)]);
      expect(a.schema).toBe(s);
      await a.putTxs([makeTx(1)]);
      expect(await b.count()).toBe(1);
      await Promise.all([a.close(), b.close()]);
    });

    test("reserve() gives a dedicated connection that holds a session advisory lock", async () => {
      const store = await PostgresTxStore.open(PG, { schema: schema("lock"), poolSize: 3 });
      const a = await store.reserve();
      const b = await store.reserve();
      const [ga] = await a`SELECT pg_try_advisory_lock(424242) AS ok`;
      const [gb] = await b`SELECT pg_try_advisory_lock(424242) AS ok`;
      expect([ga.ok, gb.ok]).toEqual([true, false]);
      await a`SELECT pg_advisory_unlock(424242)`;
      a.release();
      b.release();
      await store.close();
    });

    test("aborting a signal cancels the running statement and rejects with the signal's reason", async () => {
      const store = await PostgresTxStore.open(PG, { schema: schema("cancel"), poolSize: 2 });
      // Hold the table lock from another connection so the lookup blocks in the server.
      const holder = await store.reserve();
      await holder`BEGIN`;
      await holder.unsafe(`LOCK TABLE "${store.schema}".txs IN ACCESS EXCLUSIVE MODE`);
      const ac = new AbortController();
      const started = performance.now();
      const lookup = store.getTxs([makeTx(1).hash], ac.signal);
      setTimeout(() => ac.abort(new Error("client gone")), 100);
      await expect(lookup).rejects.toThrow("client gone");
      expect(performance.now() - started).toBeLessThan(3000);
      await holder`ROLLBACK`;
      holder.release();
      // The pool is still usable afterwards.
      expect(await store.count()).toBe(0);
      await store.close();
    });

    test("a database failure mid-batch rolls the whole putTxs back (trigger-injected fault)", async () => {
      const s = schema("fault");
      const store = await PostgresTxStore.open(PG, { schema: s });
      await store.sql.unsafe(`CREATE FUNCTION "${s}".fail() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN IF NEW.fee = 539 THEN RAISE EXCEPTION 'injected'; END IF; RETURN NEW; END $$`);
      await store.sql.unsafe(
        `CREATE TRIGGER fail BEFORE INSERT ON "${s}".txs FOR EACH ROW EXECUTE FUNCTION "${s}".fail()`,
      );
      const recs = Array.from({ length: 50 }, (_, i) => makeTx(500 + i));
      await expect(store.putTxs(recs)).rejects.toThrow("injected");
      expect(await store.count()).toBe(0);
      await store.close();
    });
  });
}

describe("PostgresTxStore open failures", () => {
  test("an unreachable server fails at open naming host, port and database", async () => {
    const err = await PostgresTxStore.open("postgres://nobody:secret@127.0.0.1:1/nodb", { connectTimeoutS: 2 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreOpenError);
    expect((err as StoreOpenError).code).toBe("UNREACHABLE");
    expect((err as Error).message).toContain("127.0.0.1:1");
    expect((err as Error).message).toContain('"nodb"');
    expect((err as Error).message).not.toContain("secret");
    expect((err as Error).cause).toBeDefined();
  });

  test("a bad schema name is rejected before connecting", async () => {
    await expect(PostgresTxStore.open("postgres://x@127.0.0.1:1/db?schema=a;drop")).rejects.toMatchObject({
      code: "BAD_URL",
    });
  });
});
