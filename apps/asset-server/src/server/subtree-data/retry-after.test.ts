import { afterEach, describe, expect, test } from "bun:test";
import { seedSubtree } from "../../testing/fixtures.ts";
import { startTestServer, type TestServer } from "../../testing/server.ts";
import { slowTxStore } from "../../testing/slow-tx-store.ts";
import { waitFor } from "../../testing/wait.ts";
import type { RetrySchedule } from "./retry-schedule.ts";

let srv: TestServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

/** 1000 txs in chunks of 100, 2 fetches in flight, each delayed 400 ms: a build of ~2 s. */
const SLOW = { asset_concurrency_subtree_data_create: 1, asset_subtreeDataStreamingChunkSize: 100 };

describe("Retry-After of a full-cap 503 (tx store slowed by a fake delay)", () => {
  test("tells each rejected subtree when a permit is expected free: successive moments, shared by one subtree's peers", async () => {
    srv = await startTestServer(
      { ...SLOW, asset_subtree_data_retry_after_max_s: 30 },
      { wrapTxStore: slowTxStore(400) },
    );
    const [a, b, x, y, z] = await Promise.all([1, 2, 3, 4, 5].map(() => seedSubtree(srv!, 1000)));
    // Before any build finished, the server knows nothing better than the minimum.
    const first = fetch(`${srv.api}/subtree_data/${a!.hex}`);
    await waitFor(() => srv!.asset.testing.createAvailable === 0, 5000, "build a started");
    const early = await fetch(`${srv.api}/subtree_data/${x!.hex}`);
    expect(early.status).toBe(503);
    expect(early.headers.get("retry-after")).toBe("1");
    await (await first).arrayBuffer();
    const buildMs = (srv.asset.testing.retry as RetrySchedule).buildMs;
    expect(buildMs).toBeGreaterThan(1500);

    // b builds; x, y, z are rejected in turn and told to come back one build apart.
    const bRes = fetch(`${srv.api}/subtree_data/${b!.hex}`);
    await waitFor(() => srv!.asset.testing.createAvailable === 0, 5000, "build b started");
    const hint = async (hex: string) => {
      const res = await fetch(`${srv!.api}/subtree_data/${hex}`);
      expect(res.status).toBe(503);
      await res.arrayBuffer();
      return Number(res.headers.get("retry-after"));
    };
    const hx = await hint(x!.hex);
    const hy = await hint(y!.hex);
    const hz = await hint(z!.hex);
    const step = Math.round(buildMs! / 1000);
    expect(hx).toBeGreaterThanOrEqual(1);
    expect(hx).toBeLessThanOrEqual(Math.ceil(buildMs! / 1000));
    expect(hy - hx).toBeGreaterThanOrEqual(step - 1);
    expect(hz - hy).toBeGreaterThanOrEqual(step - 1);
    expect(hz).toBeGreaterThan(hx + 1);
    // A second peer of y: y's slot, not one behind z.
    expect(await hint(y!.hex)).toBeLessThanOrEqual(hy);
    await (await bRes).arrayBuffer();
  }, 30_000);

  test("before any build finished, a running build's pace tells rejected peers when it ends", async () => {
    // 1000 txs in chunks of 50, 2 fetches in flight, each delayed 400 ms: a build of ~4 s.
    srv = await startTestServer(
      { ...SLOW, asset_subtreeDataStreamingChunkSize: 50, asset_subtree_data_retry_after_max_s: 30 },
      { wrapTxStore: slowTxStore(400) },
    );
    const [a, x] = await Promise.all([seedSubtree(srv, 1000), seedSubtree(srv, 1000)]);
    const first = fetch(`${srv.api}/subtree_data/${a!.hex}`);
    await waitFor(() => srv!.asset.testing.build(a!.hex) !== undefined, 5000, "build a started");
    const build = srv.asset.testing.build(a!.hex)!;
    await waitFor(() => build.progress >= 0.2, 10_000, "build a 20 % written");
    expect(build.progress).toBeLessThan(0.5);
    // By age alone (< 2 s, no build finished) the hint would be the 1 s minimum; at a's pace,
    // ≥ 2 s are left.
    const res = await fetch(`${srv.api}/subtree_data/${x!.hex}`);
    expect(res.status).toBe(503);
    await res.arrayBuffer();
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(2);
    expect((srv.asset.testing.retry as RetrySchedule).buildMs).toBeUndefined();
    await (await first).arrayBuffer();
    expect(build.progress).toBe(1);
  }, 30_000);

  test("clamped to asset_subtree_data_retry_after_max_s (default 5, what reference peers honour)", async () => {
    srv = await startTestServer(SLOW, { wrapTxStore: slowTxStore(400) });
    expect(srv.settings.asset_subtree_data_retry_after_max_s).toBe(5);
    const subtrees = await Promise.all([1, 2, 3, 4, 5, 6].map(() => seedSubtree(srv!, 1000)));
    await (await fetch(`${srv.api}/subtree_data/${subtrees[0]!.hex}`)).arrayBuffer();
    const running = fetch(`${srv.api}/subtree_data/${subtrees[1]!.hex}`);
    await waitFor(() => srv!.asset.testing.createAvailable === 0, 5000, "build started");
    const hints: number[] = [];
    for (const st of subtrees.slice(2)) {
      const res = await fetch(`${srv.api}/subtree_data/${st.hex}`);
      expect(res.status).toBe(503);
      hints.push(Number(res.headers.get("retry-after")));
    }
    expect(Math.max(...hints)).toBe(5);
    expect(hints.every((h) => h >= 1 && h <= 5)).toBe(true);
    await (await running).arrayBuffer();
  }, 30_000);

  test("asset_subtree_data_retry_after_max_s = 0: the constant asset_subtree_data_retry_after_s, as the reference", async () => {
    srv = await startTestServer(
      { ...SLOW, asset_subtree_data_retry_after_s: 2, asset_subtree_data_retry_after_max_s: 0 },
      { wrapTxStore: slowTxStore(400) },
    );
    const subtrees = await Promise.all([1, 2, 3, 4].map(() => seedSubtree(srv!, 1000)));
    await (await fetch(`${srv.api}/subtree_data/${subtrees[0]!.hex}`)).arrayBuffer();
    const running = fetch(`${srv.api}/subtree_data/${subtrees[1]!.hex}`);
    await waitFor(() => srv!.asset.testing.createAvailable === 0, 5000, "build started");
    for (const st of subtrees.slice(2)) {
      const res = await fetch(`${srv.api}/subtree_data/${st.hex}`);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("2");
    }
    await (await running).arrayBuffer();
  }, 30_000);

  test("a free permit held by the schedule for a subtree whose moment has come: others get 503, that subtree builds", async () => {
    // The server's schedule on a clock this test moves.
    const clock = { t: 0 };
    srv = await startTestServer({ asset_concurrency_subtree_data_create: 1 }, { retryClock: () => clock.t });
    const [x, n] = await Promise.all([seedSubtree(srv, 50), seedSubtree(srv, 50)]);
    const retry = srv.asset.testing.retry;
    retry.started("learn");
    clock.t = 4000;
    retry.ended("learn", true); // builds take 4 s
    retry.started("a");
    expect(retry.retryAfterS(x!.hex)).toBe(4); // as a 503 to x would say: x's moment is in 4 s
    retry.ended("a", true); // the permit frees early
    clock.t += 4000; // x's peers come back now
    expect(srv.asset.testing.createAvailable).toBe(1);
    const other = await fetch(`${srv.api}/subtree_data/${n!.hex}`);
    expect(other.status).toBe(503);
    expect(Number(other.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    await other.arrayBuffer();
    expect(srv.asset.testing.createAvailable).toBe(1); // held, not taken
    const mine = await fetch(`${srv.api}/subtree_data/${x!.hex}`);
    expect(mine.status).toBe(200);
    expect((await mine.arrayBuffer()).byteLength).toBeGreaterThan(0);
    clock.t += 60_000; // long past x's moment: nothing is held
    const later = await fetch(`${srv.api}/subtree_data/${n!.hex}`);
    expect(later.status).toBe(200);
    await later.arrayBuffer();
  }, 30_000);
});
