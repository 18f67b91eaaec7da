import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { subtreeDataFiles } from "./testing/files.ts";
import { BUILDS_IN_FLIGHT, CREATE_IN_USE, CREATED, metricSum, metricsText } from "./testing/metrics.ts";
import { fetchNodes, verifyBody } from "./testing/peer.ts";
import { seedBlock } from "./testing/seed.ts";
import { type ServerProcess, startServer } from "./testing/server-process.ts";
import { waitFor } from "./testing/wait.ts";

const dir = mkdtempSync(join(tmpdir(), "faults-txstore-"));
let server: ServerProcess | undefined;

afterAll(async () => {
  await server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

test("fake tx store (failure injection) throws on the 5th getTxs mid-build: the connection is aborted after 200, write_failed is counted, nothing is published and the permit comes back", async () => {
  const blobs = join(dir, "blobs");
  const env = { txstore: `sqlite://${join(dir, "tx.sqlite")}`, subtreestore: `file://${blobs}` };
  const hash = seedBlock({ ...env, subtrees: 1, txs: 10_000, txBytes: 1000, seed: 17 }).subtrees[0] as string;
  server = await startServer({
    cwd: dir,
    // Chunks of 1000 txs (1 MB): the 5th fetch comes after the first bytes went out, so the
    // failure is mid-stream, where only an aborted connection can tell the client.
    env: { ...env, asset_subtreeDataStreamingChunkSize: "1000", FAULT_TX_FAIL_ON: "5" },
    cmd: [process.execPath, resolve(import.meta.dir, "testing/faulty-tx-server.ts")],
  });
  const nodes = await fetchNodes(server.api, hash);
  const res = await fetch(`${server.api}/subtree_data/${hash}`);
  expect(res.status).toBe(200);
  const read = await verifyBody(res.body as ReadableStream<Uint8Array>, nodes, AbortSignal.timeout(20_000)).then(
    (n) => ({ ok: true as const, n }),
    (e: Error) => ({ ok: false as const, e }),
  );
  // A truncated transfer, not a short clean end and not a timeout.
  expect(read.ok).toBe(false);
  expect((read as { e: Error }).e.name).not.toBe("TimeoutError");

  await waitFor(
    async () => metricSum(await metricsText(server!.url), CREATED, { source: "write_failed" }) === 1,
    10_000,
    "write_failed to be counted",
  );
  const m = await metricsText(server.url);
  expect(metricSum(m, CREATED, { source: "on_demand_created" })).toBe(0);
  expect(metricSum(m, CREATE_IN_USE)).toBe(0);
  expect(metricSum(m, BUILDS_IN_FLIGHT)).toBe(0);
  expect(subtreeDataFiles(blobs, hash)).toEqual({ final: [], temp: [], dah: [] });
  // It failed for the reason under test: the injected error is what errored the body stream.
  expect(server.output()).toContain("injected tx store failure on getTxs call 5");
  expect((await fetch(`${server.url}/health`)).status).toBe(200);
}, 60_000);
