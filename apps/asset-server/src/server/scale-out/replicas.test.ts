import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { FileBlobStore, PostgresTxStore } from "@subtreekit/stores";
import { requirePostgres } from "@subtreekit/testkit";
import { type SeededSubtree, seedSubtree } from "../../testing/fixtures.ts";
import { waitFor } from "../../testing/wait.ts";
import { type Replica, startReplica } from "./testing/replica.ts";
import { verifiedGet } from "./testing/verified-get.ts";

/**
 * Issue 10: three replicas (real child processes of `main.ts serve`) on one Postgres tx store and
 * one blob directory. Builds are counted by the reference metric each replica exports.
 */
const pg = await requirePostgres("scale-out replicas test");
const CREATED = "teranode_asset_repository_subtree_data_created_total";
// Big enough that a build from Postgres takes a noticeable time, so requests overlap it.
const TXS = 100_000;
// Builds write at the tx store's pace, whatever the clients do: replicas here delay every tx store
// batch (a fake delay) so a build lasts seconds and a kill lands mid-build on any machine.
const SLOW_REPLICA = join(import.meta.dir, "../../testing/slow-serve.ts");
const REPLICA_ENV = { SUBTREEKIT_TEST_TX_DELAY_MS: "150", asset_subtreeDataStreamingChunkSize: "2000" };

const schema = `scaleout_${process.pid}_${Date.now().toString(36)}`;
const txstore = `${pg}?schema=${schema}`;
let dir = "";
let replicas: Replica[] = [];
let s1: SeededSubtree;
let s2: SeededSubtree;

const builds = async (rs: Replica[]) =>
  (await Promise.all(rs.map((r) => r.metric(CREATED, { source: "on_demand_created" })))).reduce((a, b) => a + b, 0);

describe.skipIf(!pg)("scale-out: 3 replicas, one Postgres, one blob directory", () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "scale-out-"));
    const txs = await PostgresTxStore.open(txstore);
    const blobs = new FileBlobStore(dir, { fsync: "none" });
    try {
      s1 = await seedSubtree({ txs, blobs }, TXS);
      // Larger: the stalled build must still be far from done after the followers' read bursts.
      s2 = await seedSubtree({ txs, blobs }, TXS * 1.5);
    } finally {
      await txs.close();
    }
    replicas = await Promise.all(
      [0, 1, 2].map(() => startReplica({ txstore, blobDir: dir, entry: SLOW_REPLICA, env: REPLICA_ENV })),
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => (r.proc.exitCode === null ? r.stop() : undefined)));
    if (pg) {
      const sql = new Bun.SQL(pg, { max: 1 });
      await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await sql.close();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  test("30 concurrent requests spread over 3 replicas: one build in total, 30 identical 200s that verify against the txids", async () => {
    const before = await builds(replicas);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => verifiedGet(`${replicas[i % 3]!.api}/subtree_data/${s1.hex}`, s1.txids)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(30).fill(200));
    expect(results.filter((r) => r.verified).length).toBe(30);
    expect(new Set(results.map((r) => r.digest)).size).toBe(1);
    expect(results[0]!.bytes).toBe(s1.data.length);
    expect((await builds(replicas)) - before).toBe(1);
    // The other replicas streamed the builder's file while it grew (not a finished file later).
    const remote = await Promise.all(replicas.map((r) => r.metric(CREATED, { source: "followed_remote" })));
    expect(remote.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const perReplica = await Promise.all(replicas.map((r) => r.metric(CREATED, { source: "on_demand_created" })));
    const followed = await Promise.all(replicas.map((r) => r.metric(CREATED, { source: "followed" })));
    console.log(
      `[scale-out] 30 requests: ${results.filter((r) => r.verified).length} verified 200s of ${results[0]!.bytes} bytes; ` +
        `builds per replica ${perReplica.join("/")}; followed in-process ${followed.join("/")}; followed remotely ${remote.join("/")}`,
    );
    const leftovers = readdirSync(join(dir, s1.hex.slice(0, 2))).filter((n) => n.endsWith(".tmp"));
    expect(leftovers).toEqual([]);
  }, 60_000);

  test("kill -9 of the building replica mid-build: another replica builds it once; every request that had not started streaming succeeds", async () => {
    const [a, b, c] = replicas as [Replica, Replica, Replica];
    const url = (r: Replica) => `${r.api}/subtree_data/${s2.hex}`;
    const before = await builds([b, c]);
    const sub = dirname(join(dir, s2.hex.slice(0, 2), "x"));
    const tempOfA = () => readdirSync(sub).find((n) => n.startsWith(`.${s2.hex}.subtreeData.p`) && n.endsWith(".tmp"));

    // A builds (slowly: its tx store is delayed, see REPLICA_ENV) for its own client.
    const origin = verifiedGet(url(a), s2.txids);
    await waitFor(() => tempOfA() !== undefined, 10_000, "A's temp file");
    const tempPath = join(sub, tempOfA() as string);

    // Followers on B and C that start streaming A's growing file before the kill.
    let headed = 0;
    const started = Array.from({ length: 4 }, (_, i) =>
      verifiedGet(url(i % 2 ? c : b), s2.txids, { onHeaders: () => headed++ }),
    );
    await waitFor(() => headed === 4, 20_000, "followers streaming");
    const atKill = statSync(tempPath).size;
    if (!tempOfA() || atKill > s2.data.length / 2) {
      throw new Error(`A's build is too far along (${atKill} of ${s2.data.length} bytes) for a mid-build kill`);
    }

    const killedAt = performance.now();
    await a.kill9();
    const late = Array.from({ length: 6 }, (_, i) => verifiedGet(url(i % 2 ? c : b), s2.txids));

    const all = await Promise.all([...started, ...late]);
    const streamedBeforeKill = all.filter((r) => r.headersAt !== undefined && r.headersAt < killedAt);
    const notYet = all.filter((r) => !streamedBeforeKill.includes(r));
    expect(notYet.length).toBeGreaterThanOrEqual(6);
    for (const r of notYet) {
      expect({ status: r.status, verified: r.verified, error: r.error }).toEqual({
        status: 200,
        verified: true,
        error: undefined,
      });
      expect(r.bytes).toBe(s2.data.length);
    }
    // Those that had bytes from the dead builder: cut (an error), never a clean short body.
    expect(streamedBeforeKill.length).toBeGreaterThanOrEqual(4);
    for (const r of streamedBeforeKill) {
      expect(r.verified).toBe(false);
      expect(r.error).toBeDefined();
      expect(r.bytes).toBeLessThan(s2.data.length);
    }
    const o = await origin;
    expect(o.verified).toBe(false);
    expect((await builds([b, c])) - before).toBe(1);
    console.log(
      `[scale-out] kill -9 with A's temp file at ${atKill} of ${s2.data.length + 8} bytes: ` +
        `${streamedBeforeKill.length} streaming at the kill, all cut; ` +
        `${notYet.filter((r) => r.verified).length}/${notYet.length} not yet streaming verified; rebuilds on B+C: 1`,
    );
  }, 90_000);
});
