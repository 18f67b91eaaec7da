import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { dirname } from "node:path";
import { seedSubtree } from "../../testing/fixtures.ts";
import { startTestServer, type TestServer } from "../../testing/server.ts";

let srv: TestServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

const tmpFiles = (s: TestServer, hash: Uint8Array) =>
  readdirSync(dirname(s.blobs.path(hash, "subtreeData"))).filter((f) => f.endsWith(".tmp"));

describe("GET /subtree_data/:hash", () => {
  test("builds on demand, streams the exact bytes, publishes the file with a .dah, releases the permit", async () => {
    srv = await startTestServer({ asset_subtreeDataStreamingChunkSize: 100 });
    const st = await seedSubtree(srv, 1000);
    const res = await fetch(`${srv.api}/subtree_data/${st.hex}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    const body = new Uint8Array(await res.arrayBuffer());
    expect(Buffer.compare(body, st.data)).toBe(0);
    await Bun.sleep(20);
    expect(srv.asset.testing.createInUse).toBe(0);
    expect(srv.asset.testing.buildsInFlight).toBe(0);
    expect(await srv.blobs.exists(st.hash, "subtreeData")).toBe(true);
    expect(await srv.blobs.getDAH(st.hash, "subtreeData")).toBe(srv.settings.global_blockHeightRetention);
    expect(tmpFiles(srv, st.hash)).toEqual([]);
    // Second request: the fast path serves the file with a Content-Length.
    const again = await fetch(`${srv.api}/subtree_data/${st.hex}`);
    expect(again.headers.get("content-length")).toBe(String(st.data.length));
    expect(Buffer.compare(new Uint8Array(await again.arrayBuffer()), st.data)).toBe(0);
    const metrics = await (await fetch(`${srv.url}/metrics`)).text();
    expect(metrics).toContain(
      'teranode_asset_repository_subtree_data_created_total{result="success",source="on_demand_created"} 1',
    );
    expect(metrics).toContain('teranode_asset_http_get_subtree_data{function="OK",operation="200"} 2');
  });

  test("unknown subtree → 404 JSON, never 200", async () => {
    srv = await startTestServer();
    const res = await fetch(`${srv.api}/subtree_data/${"ab".repeat(32)}`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toContain("not found");
  });

  test("subtree with only the coinbase placeholder (empty data) → 404, no file left", async () => {
    srv = await startTestServer();
    const st = await seedSubtree(srv, 0, { placeholder: true });
    const res = await fetch(`${srv.api}/subtree_data/${st.hex}`);
    expect(res.status).toBe(404);
    expect(await srv.blobs.exists(st.hash, "subtreeData")).toBe(false);
    expect(tmpFiles(srv, st.hash)).toEqual([]);
    expect(srv.asset.testing.createInUse).toBe(0);
  });

  test("txs missing from the tx store → JSON 500 naming how many, before any body byte", async () => {
    srv = await startTestServer();
    const st = await seedSubtree(srv, 30, { storeTxs: false });
    const res = await fetch(`${srv.api}/subtree_data/${st.hex}`);
    expect(res.status).toBe(500);
    expect(((await res.json()) as { message: string }).message).toContain("30 of the 30 transactions");
    expect(await srv.blobs.exists(st.hash, "subtreeData")).toBe(false);
    expect(tmpFiles(srv, st.hash)).toEqual([]);
    expect(srv.asset.testing.createInUse).toBe(0);
  });

  test("txs missing across several chunks → the 500 counts every missing tx, not the first chunk's", async () => {
    srv = await startTestServer({ asset_subtreeDataStreamingChunkSize: 100 });
    const st = await seedSubtree(srv, 1000, { storeTxs: false });
    const res = await fetch(`${srv.api}/subtree_data/${st.hex}`);
    expect(res.status).toBe(500);
    expect(((await res.json()) as { message: string }).message).toContain("1000 of the 1000 transactions");
    expect(srv.asset.testing.createInUse).toBe(0);
  });

  test("bad hash → 400 before any store access", async () => {
    srv = await startTestServer();
    let touched = 0;
    const blobs = srv.blobs as unknown as { exists: (...a: unknown[]) => Promise<boolean> };
    const real = blobs.exists.bind(blobs);
    blobs.exists = (...a) => {
      touched++;
      return real(...a);
    };
    for (const bad of ["abc", "zz".repeat(32), "a".repeat(65), `${"a".repeat(63)}g`]) {
      const res = await fetch(`${srv.api}/subtree_data/${bad}`);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toContain("64 hex");
    }
    expect(touched).toBe(0);
  });

  test("create cap full → 503 + Retry-After at once, while existing files are still served", async () => {
    srv = await startTestServer({ asset_concurrency_subtree_data_create: 1, asset_subtree_data_retry_after_s: 3 });
    const built = await seedSubtree(srv, 50);
    await (await fetch(`${srv.api}/subtree_data/${built.hex}`)).arrayBuffer();
    const other = await seedSubtree(srv, 50);
    const held = { release: srv.asset.testing.holdCreatePermits(1) };
    try {
      const t0 = performance.now();
      const res = await fetch(`${srv.api}/subtree_data/${other.hex}`);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("3");
      expect(performance.now() - t0).toBeLessThan(1000);
      const ok = await fetch(`${srv.api}/subtree_data/${built.hex}`);
      expect(ok.status).toBe(200);
      expect(Buffer.compare(new Uint8Array(await ok.arrayBuffer()), built.data)).toBe(0);
    } finally {
      held.release();
    }
    expect(existsSync(srv.blobs.path(other.hash, "subtreeData"))).toBe(false);
  });
});
