import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadSettings } from "@subtreekit/settings";
import { openBlobStore, openTxStore } from "@subtreekit/stores";
import { requirePostgres } from "@subtreekit/testkit";
import { seedSubtree } from "../../testing/fixtures.ts";
import { slowTxStore } from "../../testing/slow-tx-store.ts";
import { waitFor } from "../../testing/wait.ts";
import { createAssetServer } from "../create.ts";
import type { AssetSettings } from "../settings.ts";
import { PostgresBuildCoordinator } from "./coordinator.ts";
import { lockNamespace } from "./lock-key.ts";
import { verifiedGet } from "./testing/verified-get.ts";

/**
 * Issue 16, defect 7: a replica that loses its build lock mid-build (its Postgres session ended:
 * `idle_session_timeout`, a proxy, an operator) must stop the build, not only log it — another
 * replica may take the subtree over. Real Postgres; the session is ended with
 * `pg_terminate_backend`, as the server would end it.
 */
const pg = await requirePostgres("lease-lost tests");
const dir = mkdtempSync(join(tmpdir(), "lease-lost-"));
const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!pg)("a lost build lease (issue 16, defect 7)", () => {
  test("the lock's session is terminated mid-build: the client's body is truncated, nothing is published, permits return, a later request builds it (tx store slowed by a fake delay)", async () => {
    const blobs = await openBlobStore(`file://${dir}/blobs?fsync=none`);
    const txs = await openTxStore(`sqlite://${dir}/tx.sqlite`);
    // A lock namespace of its own, so no other test run shares these keys.
    const schema = `lease_lost_${process.pid}`;
    // Built here rather than by openCoordinator: a short heartbeat notices the loss at once.
    const coordinator = new PostgresBuildCoordinator(new Bun.SQL(pg!, { max: 6 }), {
      namespace: lockNamespace(schema),
      followTimeoutMs: 5000,
      heartbeatMs: 50,
    });
    const admin = new Bun.SQL(pg!, { max: 1 });
    const settings = {
      ...loadSettings({ env: {}, files: [] }),
      asset_subtreeDataStreamingChunkSize: 1000,
    } as AssetSettings;
    const asset = createAssetServer({ settings, txStore: slowTxStore(50)(txs), blobStore: blobs, coordinator });
    const { url } = await asset.listen({ port: 0, hostname: "127.0.0.1" });
    closers.push(
      () => asset.shutdown({ graceMs: 0 }),
      () => coordinator.close(),
      () => admin.close(),
      async () => txs.close(),
    );
    const api = `${url}${settings.asset_apiPrefix}`;
    const st = await seedSubtree({ blobs, txs }, 20_000, { txSize: 300 });
    const finalPath = blobs.path(st.hash, "subtreeData");
    const t = asset.testing;

    const pending = verifiedGet(`${api}/subtree_data/${st.hex}`, st.txids);
    // Mid-build, with bytes already sent: the 200 is out, so only a truncated body can tell.
    await waitFor(() => (t.build(st.hex)?.bytesToReaders ?? 0) > 0, 10_000, "the first body bytes");
    const pid = await coordinator.holder(st.hash);
    expect(pid).toBeNumber();
    const [row] = await admin`SELECT pg_terminate_backend(${pid!}::int) AS ok`;
    expect(row.ok).toBe(true);

    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.verified).toBe(false);
    expect(res.error).toBeString();
    expect(res.bytes).toBeLessThan(st.data.length);

    await waitFor(
      () => t.createInUse === 0 && t.readerInUse === 0 && t.buildsInFlight === 0,
      5000,
      "permits and builds released",
    );
    // The aborted build published nothing and left no temp file (its lease-named temp included).
    expect(existsSync(finalPath)).toBe(false);
    expect(readdirSync(dirname(finalPath)).filter((f) => f.includes("subtreeData"))).toEqual([]);
    const created = await asset.metrics.created.get();
    expect(created.values.find((v) => v.labels.source === "on_demand_created")?.value ?? 0).toBe(0);
    // The lock is free again: nobody holds it.
    await waitFor(async () => (await coordinator.holder(st.hash)) === undefined, 5000, "the lock freed");

    const again = await verifiedGet(`${api}/subtree_data/${st.hex}`, st.txids);
    expect([again.status, again.verified]).toEqual([200, true]);
    await waitFor(() => t.createInUse === 0 && t.buildsInFlight === 0, 5000, "the second build released");
    expect(existsSync(finalPath)).toBe(true);
  }, 60_000);
});
