import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSettings } from "@subtreekit/settings";
import { openBlobStore, openTxStore } from "@subtreekit/stores";
import { requirePostgres } from "@subtreekit/testkit";
import { seedSubtree } from "../../testing/fixtures.ts";
import { waitFor } from "../../testing/wait.ts";
import { createAssetServer } from "../create.ts";
import type { AssetSettings } from "../settings.ts";
import type { BuildCoordinator } from "./coordinator.ts";
import { openCoordinator } from "./open-coordinator.ts";
import { verifiedGet } from "./testing/verified-get.ts";

/**
 * The handler's scale-out seam, in process: a real server (SQLite tx store, blob dir) with a
 * coordinator on the real Postgres, and a second coordinator standing in for another replica that
 * holds the lock without building. Cheaper than child processes, and it can look at the permits.
 */
const pg = await requirePostgres("scale-out seam tests");
const dir = mkdtempSync(join(tmpdir(), "scale-out-seam-"));
const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
async function setup(followTimeoutMs: number) {
  const root = join(dir, String(n++));
  const blobs = await openBlobStore(`file://${root}/blobs?fsync=none`);
  const txs = await openTxStore(`sqlite://${root}/tx.sqlite`);
  // A schema name of its own: the lock namespace, so no other test run shares these keys.
  const txstore = `${pg}?schema=seam_${process.pid}`;
  const coordinator = (await openCoordinator({ txstore, createCap: 4, followTimeoutMs })) as BuildCoordinator;
  const other = (await openCoordinator({ txstore, createCap: 4, followTimeoutMs })) as BuildCoordinator;
  const settings = { ...loadSettings({ env: {}, files: [] }), asset_follow_remote_timeout_ms: followTimeoutMs };
  const asset = createAssetServer({ settings: settings as AssetSettings, txStore: txs, blobStore: blobs, coordinator });
  const { url } = await asset.listen({ port: 0, hostname: "127.0.0.1" });
  closers.push(
    () => asset.shutdown({ graceMs: 0 }),
    () => coordinator.close(),
    () => other.close(),
    async () => txs.close(),
  );
  return { asset, api: `${url}/api/v1`, blobs, txs, other };
}

describe.skipIf(!pg)("subtree_data with a coordinator", () => {
  test("lock held elsewhere with no progress: only a reader permit while waiting, then 503 + Retry-After", async () => {
    const s = await setup(400);
    const st = await seedSubtree(s, 2000);
    const held = await s.other.tryLead(st.hash, { finalPath: s.blobs.path(st.hash, "subtreeData") });
    if (held === "held-elsewhere") throw new Error("the stand-in replica should hold the lock");
    const t = s.asset.testing;
    const pending = verifiedGet(`${s.api}/subtree_data/${st.hex}`, st.txids);
    await waitFor(() => t.readerInUse === 1, 5000, "the follower's reader permit");
    // Following another replica costs no create permit and starts no build here.
    expect(t.createInUse).toBe(0);
    expect(t.buildsInFlight).toBe(0);
    const res = await pending;
    expect(res.status).toBe(503);
    expect(res.retryAfter).toBe(String(s.asset.settings.asset_subtree_data_retry_after_s));
    expect(t.readerInUse).toBe(0);
    await held.release();
  });

  test("the holder lets go without publishing (its build died): the waiting request takes over, builds once and succeeds", async () => {
    const s = await setup(10_000);
    const st = await seedSubtree(s, 5000);
    const held = await s.other.tryLead(st.hash, { finalPath: s.blobs.path(st.hash, "subtreeData") });
    if (held === "held-elsewhere") throw new Error("the stand-in replica should hold the lock");
    const t = s.asset.testing;
    const pending = Promise.all([1, 2, 3].map(() => verifiedGet(`${s.api}/subtree_data/${st.hex}`, st.txids)));
    await waitFor(() => t.readerInUse === 3, 5000, "three waiting followers");
    await held.release();
    const results = await pending;
    expect(results.map((r) => [r.status, r.verified])).toEqual([
      [200, true],
      [200, true],
      [200, true],
    ]);
    const created = await s.asset.metrics.created.get();
    const builds = created.values.find((v) => v.labels.source === "on_demand_created")?.value;
    expect(builds).toBe(1);
    await waitFor(() => t.createInUse === 0 && t.readerInUse === 0, 5000, "permits released");
    // The lease went back with the build: the stand-in can take the lock again.
    const again = await s.other.tryLead(st.hash, { finalPath: s.blobs.path(st.hash, "subtreeData") });
    expect(again).not.toBe("held-elsewhere");
    if (again !== "held-elsewhere") await again.release();
  });
  test("create cap full: a subtree built elsewhere is still followed (reader permit only), an unbuilt one gets 503", async () => {
    const s = await setup(10_000);
    const [built, unbuilt] = [await seedSubtree(s, 1000), await seedSubtree(s, 1000)];
    const t = s.asset.testing;
    // Fill this replica's create cap.
    const release = t.holdCreatePermits(4);
    const rejected = await verifiedGet(`${s.api}/subtree_data/${unbuilt.hex}`, unbuilt.txids);
    expect(rejected.status).toBe(503);

    const held = await s.other.tryLead(built.hash, { finalPath: s.blobs.path(built.hash, "subtreeData") });
    if (held === "held-elsewhere") throw new Error("the stand-in replica should hold the lock");
    const pending = verifiedGet(`${s.api}/subtree_data/${built.hex}`, built.txids);
    await waitFor(() => t.readerInUse === 1, 5000, "the follower's reader permit");
    // The stand-in "builds": publishes the file, then lets go, as a real builder does.
    await s.blobs.put(built.hash, "subtreeData", built.data);
    await held.release();
    const res = await pending;
    expect([res.status, res.verified]).toEqual([200, true]);
    release();
  });
});
