import { afterEach, describe, expect, test } from "bun:test";
import { connect } from "node:net";
import type { TxStore } from "@subtreekit/stores";
import { seedBlock, seedSubtree } from "../../testing/fixtures.ts";
import { startTestServer, type TestServer } from "../../testing/server.ts";
import { slowTxStore } from "../../testing/slow-tx-store.ts";
import { waitFor } from "../../testing/wait.ts";
import type { TxStorePort } from "../ports.ts";

let srv: TestServer | undefined;

/** Records the size of each batch a build asks for, and passes it to the real store. */
const recordingBatches =
  (batches: number[]) =>
  (real: TxStore): TxStorePort => ({
    getTx: (h) => real.getTx(h),
    close: () => real.close(),
    getTxs: (h, signal) => {
      batches.push(h.length);
      return real.getTxs(h, signal);
    },
  });
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

describe("memory bounds and timeouts", () => {
  test("a stalled client neither stalls the build nor grows memory: bytes handed to its body stay bounded (counted)", async () => {
    srv = await startTestServer({ asset_subtreeDataStreamingChunkSize: 500 });
    const st = await seedSubtree(srv, 30_000, { txSize: 500 }); // 15 MB
    const res = await fetch(`${srv.api}/subtree_data/${st.hex}`);
    expect(res.status).toBe(200);
    const build = srv.asset.testing.build(st.hex);
    expect(build).toBeDefined();
    // Read nothing: the build still completes the file and gives its create permit back.
    const out = await build!.done;
    expect(out.ok).toBe(true);
    expect(srv.asset.testing.createInUse).toBe(0);
    await Bun.sleep(300);
    // Bun stops pulling at ~4 MiB in flight, plus socket buffers; far below the 15 MB subtree.
    expect(build!.bytesToReaders).toBeLessThan(10 * 1024 * 1024);
    const body = new Uint8Array(await res.arrayBuffer());
    expect(Buffer.compare(body, st.data)).toBe(0);
  }, 20_000);

  test("a build's tx-store fetches stay within asset_subtreeDataStreamingChunkBytes by the stored tx sizes (fetches recorded)", async () => {
    const batches: number[] = [];
    srv = await startTestServer(
      { asset_subtreeDataStreamingChunkSize: 1000, asset_subtreeDataStreamingChunkBytes: 100_000 },
      { wrapTxStore: recordingBatches(batches) },
    );
    const st = await seedSubtree(srv, 1000, { txSize: 500 }); // ~0.5 MB: one 1000-tx chunk without the byte limit
    const res = await fetch(`${srv.api}/subtree_data/${st.hex}`);
    expect(Buffer.compare(new Uint8Array(await res.arrayBuffer()), st.data)).toBe(0);
    // Equal-sized txs: as many per fetch as fit in 100,000 B, every one of the 1000 fetched once.
    const perFetch = Math.floor(100_000 / (st.data.length / 1000));
    expect(perFetch).toBeLessThan(1000);
    expect(batches.slice(0, -1).every((n) => n === perFetch)).toBe(true);
    expect(batches.at(-1)).toBeLessThanOrEqual(perFetch);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(1000);

    batches.length = 0;
    await srv.close();
    srv = await startTestServer(
      { asset_subtreeDataStreamingChunkSize: 1000, asset_subtreeDataStreamingChunkBytes: 0 },
      { wrapTxStore: recordingBatches(batches) },
    );
    const again = await seedSubtree(srv, 1000, { txSize: 500 });
    await (await fetch(`${srv.api}/subtree_data/${again.hex}`)).arrayBuffer();
    expect(batches).toEqual([1000]); // 0: counted in txs only
  }, 20_000);

  test("idleTimeout does not cut a slow but reading client", async () => {
    srv = await startTestServer({ asset_idle_timeout_s: 1, asset_subtreeDataStreamingChunkSize: 500 });
    const st = await seedSubtree(srv, 6_000, { txSize: 500 }); // 3 MB
    const u = new URL(`${srv.api}/subtree_data/${st.hex}`);
    // Pauses 700 ms after every read (below the 1 s idle timeout each time, far above it in total).
    const t0 = performance.now();
    const got = await new Promise<number>((resolve) => {
      let n = 0;
      const s = connect(Number(u.port), u.hostname, () =>
        s.write(`GET ${u.pathname} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
      );
      s.on("data", (d: Buffer) => {
        n += d.length;
        s.pause();
        setTimeout(() => s.resume(), 700);
      });
      s.on("close", () => resolve(n));
    });
    expect(performance.now() - t0).toBeGreaterThan(2500);
    expect(got).toBeGreaterThan(st.data.length);
  }, 30_000);

  test("a client that stops reading is cut after idleTimeout and its build cleaned up (tx store slowed by a fake delay)", async () => {
    srv = await startTestServer(
      { asset_idle_timeout_s: 1, asset_subtreeDataStreamingChunkSize: 500 },
      { wrapTxStore: slowTxStore(200) },
    );
    const st = await seedSubtree(srv, 30_000, { txSize: 500 }); // 15 MB: far more than socket buffers
    const u = new URL(`${srv.api}/subtree_data/${st.hex}`);
    const s = connect(Number(u.port), u.hostname, () =>
      s.write(`GET ${u.pathname} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
    );
    s.once("data", () => s.pause()); // read the first bytes, then never again
    const closed = new Promise<void>((resolve) => s.on("close", () => resolve()));
    s.on("error", () => {});
    await waitFor(() => srv!.asset.testing.createInUse === 1, 5000, "build started");
    await waitFor(
      () => srv!.asset.testing.createInUse === 0 && srv!.asset.testing.buildsInFlight === 0,
      10_000,
      "build cleaned up",
    );
    expect(await srv.blobs.exists(st.hash, "subtreeData")).toBe(false);
    s.destroy();
    await closed;
  }, 20_000);

  test("reader permit wait times out → 503 + Retry-After", async () => {
    srv = await startTestServer({
      asset_concurrency_get_subtree_data_reader: 1,
      asset_semaphore_timeout_ms: 100,
      asset_subtree_data_retry_after_s: 2,
    });
    const st = await seedSubtree(srv, 10);
    await (await fetch(`${srv.api}/subtree_data/${st.hex}`)).arrayBuffer();
    const held = { release: srv.asset.testing.holdReaderPermits(1) };
    try {
      const res = await fetch(`${srv.api}/subtree_data/${st.hex}`);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("2");
    } finally {
      held.release();
    }
    expect((await fetch(`${srv.api}/subtree_data/${st.hex}`)).status).toBe(200);
  });

  test("on-demand .dah = highest stored block height + retention; a height rise prunes expired files", async () => {
    srv = await startTestServer({ global_blockHeightRetention: 10 });
    await seedBlock(srv, [5], 500);
    await srv.asset.height.scan();
    expect(srv.asset.height.current).toBe(500);
    const st = await seedSubtree(srv, 20);
    await (await fetch(`${srv.api}/subtree_data/${st.hex}`)).arrayBuffer();
    expect(await srv.blobs.getDAH(st.hash, "subtreeData")).toBe(510);
    srv.asset.height.observe(510);
    await waitFor(async () => !(await srv!.blobs.exists(st.hash, "subtreeData")), 5000, "pruned");
    await srv.asset.height.idle();
  });
});
