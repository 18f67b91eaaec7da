import { afterEach, describe, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SqliteTxStore } from "@subtreekit/stores";
import { seedBlock, seedSubtree } from "../../testing/fixtures.ts";
import { rawGet } from "../../testing/raw-http.ts";
import { startTestServer, type TestServer } from "../../testing/server.ts";
import { dataFiles, idle, metric } from "../../testing/server-state.ts";
import { slowTxStore } from "../../testing/slow-tx-store.ts";
import { waitFor } from "../../testing/wait.ts";

let srv: TestServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

describe("shared builds (followers)", () => {
  test("50 concurrent requests, cap 1: exactly one build, identical bytes, zero 503s", async () => {
    srv = await startTestServer({ asset_concurrency_subtree_data_create: 1, asset_subtreeDataStreamingChunkSize: 500 });
    const st = await seedSubtree(srv, 20_000);
    const bodies = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const res = await fetch(`${srv!.api}/subtree_data/${st.hex}`);
        return { status: res.status, body: new Uint8Array(await res.arrayBuffer()) };
      }),
    );
    expect(bodies.map((b) => b.status)).toEqual(Array(50).fill(200));
    for (const b of bodies) expect(Buffer.compare(b.body, st.data)).toBe(0);
    expect(
      await metric(
        srv,
        'teranode_asset_repository_subtree_data_created_total{result="success",source="on_demand_created"}',
      ),
    ).toBe(1);
    const followed = await metric(
      srv,
      'teranode_asset_repository_subtree_data_created_total{result="success",source="followed"}',
    );
    expect(followed).toBeGreaterThan(0);
    await idle(srv);
  }, 20_000);
});

describe("followers keep a build alive", () => {
  test("the requester leaves mid-stream; a follower still gets every byte and the file is published", async () => {
    srv = await startTestServer({ asset_subtreeDataStreamingChunkSize: 500 });
    const st = await seedSubtree(srv, 30_000, { txSize: 500 });
    const ac = new AbortController();
    const first = await fetch(`${srv.api}/subtree_data/${st.hex}`, { signal: ac.signal });
    await first.body!.getReader().read();
    const follower = await fetch(`${srv.api}/subtree_data/${st.hex}`);
    expect(follower.status).toBe(200);
    const reader = follower.body!.getReader();
    const firstChunk = await reader.read();
    ac.abort(); // the requester (the build's origin) leaves
    const parts: Uint8Array[] = [firstChunk.value!];
    for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value);
    expect(Buffer.compare(Buffer.concat(parts), st.data)).toBe(0);
    await idle(srv);
    expect(await srv.blobs.exists(st.hash, "subtreeData")).toBe(true);
    expect(
      await metric(srv, 'teranode_asset_repository_subtree_data_created_total{result="success",source="followed"}'),
    ).toBe(1);
  }, 20_000);
});

describe("permit accounting and cleanup on failure", () => {
  test("client disconnects mid-build: build aborted, permit released, no temp or final file (tx store slowed by a fake delay)", async () => {
    srv = await startTestServer({ asset_subtreeDataStreamingChunkSize: 1000 }, { wrapTxStore: slowTxStore(100) });
    const st = await seedSubtree(srv, 30_000, { txSize: 500 });
    const ac = new AbortController();
    const res = await fetch(`${srv.api}/subtree_data/${st.hex}`, { signal: ac.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    expect(srv.asset.testing.createInUse).toBe(1);
    ac.abort();
    await idle(srv);
    expect(dataFiles(srv, st.hash)).toEqual([]);
    expect(
      await metric(srv, 'teranode_asset_repository_subtree_data_created_total{result="error",source="client_gone"}'),
    ).toBe(1);
  }, 20_000);

  test("fake tx store throwing on the 3rd getTxs: connection aborted (no final chunk), permit released, no files", async () => {
    let calls = 0;
    srv = await startTestServer(
      { asset_subtreeDataStreamingChunkSize: 1000 },
      {
        wrapTxStore: (real) => ({
          getTx: (h) => real.getTx(h),
          close: () => real.close(),
          getTxs: async (hashes, signal) => {
            // After a pause, so the client already has the first chunks' bytes (a failure after
            // the first byte, not before it).
            if (++calls === 3) {
              await Bun.sleep(300);
              throw new Error("injected tx store failure");
            }
            return real.getTxs(hashes, signal);
          },
        }),
      },
    );
    const st = await seedSubtree(srv, 5000);
    const raw = await rawGet(`${srv.api}/subtree_data/${st.hex}`);
    expect(raw.status).toBe(200);
    expect(raw.headers["transfer-encoding"]).toBe("chunked");
    expect(raw.body.length).toBeGreaterThan(0);
    expect(raw.body.length).toBeLessThan(st.data.length);
    expect(raw.terminated).toBe(false);
    await idle(srv);
    expect(dataFiles(srv, st.hash)).toEqual([]);
    expect(
      await metric(srv, 'teranode_asset_repository_subtree_data_created_total{result="error",source="write_failed"}'),
    ).toBe(1);
  }, 20_000);

  test("client disconnects mid-build with the real store's reads in workers: no read left running, permit released, no files", async () => {
    srv = await startTestServer({ asset_subtreeDataStreamingChunkSize: 1000 }, { txQuery: "?read_workers=2" });
    const st = await seedSubtree(srv, 100_000);
    const ac = new AbortController();
    const res = await fetch(`${srv.api}/subtree_data/${st.hex}`, { signal: ac.signal });
    await res.body!.getReader().read();
    ac.abort();
    await idle(srv);
    expect(dataFiles(srv, st.hash)).toEqual([]);
    expect(
      await metric(srv, 'teranode_asset_repository_subtree_data_created_total{result="error",source="client_gone"}'),
    ).toBe(1);
    const store = srv.txs as SqliteTxStore;
    expect(store.readWorkers.workers).toBeGreaterThan(0); // the build's reads did run in workers
    // A cancelled read's worker stops within 1024 rows; then nothing runs or waits.
    await waitFor(() => store.readWorkers.running === 0, 5000, "worker reads stopped");
    expect(store.readWorkers.queued).toBe(0);
  }, 30_000);

  test("a store error in a read worker mid-build (a located tx's file is gone): connection aborted, permit released, no files", async () => {
    srv = await startTestServer({ asset_subtreeDataStreamingChunkSize: 1000 }, { txQuery: "?read_workers=2" });
    const st = await seedSubtree(srv, 6000, { storeTxs: false });
    const store = srv.txs as SqliteTxStore;
    // The first half as bytes (the client gets them), the rest by location in a file then removed.
    await store.putTxs(
      st.txs.slice(0, 3000).map((standard, i) => ({ hash: st.txids[i]!, standard, size: standard.length })),
    );
    const rest = st.txs.slice(3000);
    const file = join(srv.dir, "gone.subtreeData");
    writeFileSync(file, Buffer.concat(rest));
    let off = 0;
    await store.putTxBatches!([
      {
        path: file,
        hashes: new Uint8Array(Buffer.concat(st.txids.slice(3000))),
        offsets: Float64Array.from(rest, (t) => (off += t.length) - t.length),
        lengths: Uint32Array.from(rest, (t) => t.length),
      },
    ]);
    rmSync(file);
    const raw = await rawGet(`${srv.api}/subtree_data/${st.hex}`);
    expect(raw.status).toBe(200);
    expect(raw.body.length).toBeLessThan(st.data.length);
    expect(raw.terminated).toBe(false);
    await idle(srv);
    expect(dataFiles(srv, st.hash)).toEqual([]);
    expect(
      await metric(srv, 'teranode_asset_repository_subtree_data_created_total{result="error",source="write_failed"}'),
    ).toBe(1);
    await waitFor(() => store.readWorkers.running === 0, 5000, "worker reads stopped");
    expect(store.readWorkers.queued).toBe(0);
  }, 30_000);

  test("a successful stream ends with the terminating chunk (raw TCP)", async () => {
    srv = await startTestServer({ asset_subtreeDataStreamingChunkSize: 1000 });
    const st = await seedSubtree(srv, 3000);
    const raw = await rawGet(`${srv.api}/subtree_data/${st.hex}`);
    expect(raw.status).toBe(200);
    expect(raw.terminated).toBe(true);
    expect(Buffer.compare(raw.body, st.data)).toBe(0);
  }, 20_000);

  test("shutdown mid-build: stream aborted after the grace period, permits released, no files (tx store slowed by a fake delay)", async () => {
    srv = await startTestServer({ asset_subtreeDataStreamingChunkSize: 1000 }, { wrapTxStore: slowTxStore(100) });
    const st = await seedSubtree(srv, 30_000, { txSize: 500 });
    const res = await fetch(`${srv.api}/subtree_data/${st.hex}`);
    const reader = res.body!.getReader();
    await reader.read();
    const t0 = performance.now();
    await srv.asset.shutdown({ graceMs: 200 });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
    expect(srv.asset.testing.createInUse).toBe(0);
    expect(srv.asset.testing.buildsInFlight).toBe(0);
    expect(dataFiles(srv, st.hash)).toEqual([]);
    let failed = false;
    try {
      for (;;) if ((await reader.read()).done) break;
    } catch {
      failed = true;
    }
    expect(failed).toBe(true);
  }, 20_000);

  test("legacy block: client leaves mid-stream → its build permit is released", async () => {
    srv = await startTestServer({ asset_subtreeDataStreamingChunkSize: 1000 });
    const block = await seedBlock(srv, [20_000, 20_000]);
    const ac = new AbortController();
    const res = await fetch(`${srv.api}/block_legacy/${block.hex}?wire=1`, { signal: ac.signal });
    expect(res.status).toBe(200);
    await res.body!.getReader().read();
    expect(srv.asset.testing.createInUse).toBe(1);
    ac.abort();
    await idle(srv);
  }, 20_000);

  test("shutdown lets an in-flight file response finish within the grace period", async () => {
    srv = await startTestServer();
    const body = crypto.getRandomValues(new Uint8Array(65536));
    const big = Buffer.concat(Array.from({ length: 200 }, () => body)); // 12.5 MiB
    const hash = crypto.getRandomValues(new Uint8Array(32));
    await srv.blobs.put(hash, "subtreeData", big);
    const { toDisplayHex } = await import("@subtreekit/subtree-stream");
    const res = await fetch(`${srv.api}/subtree_data/${toDisplayHex(hash)}`);
    const reader = res.body!.getReader();
    let got = 0;
    const reading = (async () => {
      for (;;) {
        const r = await reader.read();
        if (r.done) return;
        got += r.value.length;
        await Bun.sleep(5);
      }
    })();
    await srv.asset.shutdown({ graceMs: 10_000 });
    await reading;
    expect(got).toBe(big.length);
  }, 20_000);

  test("finish_on_disconnect: the build completes the file after its reader left", async () => {
    srv = await startTestServer({
      asset_subtreeDataStreamingChunkSize: 1000,
      asset_subtree_data_finish_on_disconnect: true,
    });
    const st = await seedSubtree(srv, 30_000, { txSize: 500 });
    const ac = new AbortController();
    const res = await fetch(`${srv.api}/subtree_data/${st.hex}`, { signal: ac.signal });
    await res.body!.getReader().read();
    ac.abort();
    await idle(srv);
    const file = new Uint8Array(await Bun.file(srv.blobs.path(st.hash, "subtreeData")).arrayBuffer());
    expect(Buffer.compare(file.subarray(8), st.data)).toBe(0);
  }, 20_000);
});
