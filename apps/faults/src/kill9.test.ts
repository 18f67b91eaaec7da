import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "@subtreekit/testkit";
import { subtreeDataFiles } from "./testing/files.ts";
import { CREATED, metricSum, metricsText } from "./testing/metrics.ts";
import { fetchNodes, fetchVerified, gatedBody, verifyBody } from "./testing/peer.ts";
import { seedBlock } from "./testing/seed.ts";
import { freePort, type ServerProcess, startServer } from "./testing/server-process.ts";
import { waitFor } from "./testing/wait.ts";

const MIB = 1024 * 1024;
let dir: string;
let blobs: string;
let env: { txstore: string; subtreestore: string };
let hash: string;
let server: ServerProcess | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "faults-kill9-"));
  blobs = join(dir, "blobs");
  env = { txstore: `sqlite://${join(dir, "tx.sqlite")}`, subtreestore: `file://${blobs}` };
  // 20000 txs × 2000 B ≈ 40 MB. Builds write at the tx store's pace whatever their clients do, so
  // the first server delays every tx store batch (a fake delay, SLOW below) to be mid-build at the kill.
  const seeded = seedBlock({ ...env, subtrees: 1, txs: 20_000, txBytes: 2000, seed: 91 });
  hash = seeded.subtrees[0] as string;
}, 60_000);

afterAll(async () => {
  await server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** `serve` with each tx store batch of 500 txs delayed 200 ms: the 40 MB build takes ~8 s. */
const SLOW = {
  cmd: [process.execPath, join(REPO_ROOT, "apps/asset-server/src/testing/slow-serve.ts")],
  env: { SUBTREEKIT_TEST_TX_DELAY_MS: "200", asset_subtreeDataStreamingChunkSize: "500" },
};

test("kill -9 mid-build (tx store slowed by a fake delay): readers see a truncated transfer, no partial final file, temp and orphan .dah swept at restart, the next request builds again and a retrying peer succeeds", async () => {
  const port = freePort();
  server = await startServer({ cwd: dir, env: { ...env, ...SLOW.env }, port, cmd: SLOW.cmd });
  const nodes = await fetchNodes(server.api, hash);
  expect(nodes.length).toBe(20_000);

  // Peer A originates the build and stops reading after 1 MiB; peer B follows the same build.
  const a = gatedBody((await fetch(`${server.api}/subtree_data/${hash}`)).body as ReadableStream<Uint8Array>, MIB);
  const aRead = verifyBody(a.stream, nodes).then(
    (n) => ({ ok: true as const, n }),
    (e: Error) => ({ ok: false as const, e }),
  );
  await waitFor(() => a.received() >= MIB, 10_000, "peer A to receive 1 MiB");
  await waitFor(() => subtreeDataFiles(blobs, hash).temp.length === 1, 10_000, "the build's temp file");
  const resB = await fetch(`${server.api}/subtree_data/${hash}`);
  expect(resB.status).toBe(200);
  const bRead = verifyBody(resB.body as ReadableStream<Uint8Array>, nodes).then(
    (n) => ({ ok: true as const, n }),
    (e: Error) => ({ ok: false as const, e }),
  );
  const metrics = await metricsText(server.url);
  expect(metricSum(metrics, "subtreekit_asset_builds_in_flight")).toBe(1);
  expect(subtreeDataFiles(blobs, hash).final).toEqual([]);

  await server.kill();
  a.resume();
  const [ra, rb] = await Promise.all([aRead, bRead]);
  // Truncated, not a short success: the verified reader rejects (connection error or a short count).
  expect(ra.ok).toBe(false);
  expect(rb.ok).toBe(false);

  // On disk after the crash: the stale temp file and the `.dah` written before any data, never a
  // partial final file.
  const afterCrash = subtreeDataFiles(blobs, hash);
  expect(afterCrash.final).toEqual([]);
  expect(afterCrash.temp.length).toBe(1);
  expect(afterCrash.dah.length).toBe(1);

  // Restart on the same port: start-up sweeps the stale temp and the orphan `.dah` before listening.
  server = await startServer({ cwd: dir, env, port });
  expect(subtreeDataFiles(blobs, hash)).toEqual({ final: [], temp: [], dah: [] });

  // Peer A's second attempt (the peer retries the subtree after a failed transfer): a new build.
  const txs = await fetchVerified(server.api, hash, nodes, { retryNetworkErrors: true });
  // Node 0 of a block's first subtree is the coinbase placeholder, served without a tx.
  expect(txs).toBe(nodes.length - 1);
  const after = await metricsText(server.url);
  expect(metricSum(after, CREATED, { source: "on_demand_created" })).toBe(1);
  const done = subtreeDataFiles(blobs, hash);
  expect(done.final.length).toBe(1);
  expect(done.temp).toEqual([]);
  // The new build's own retention, beside its published file.
  expect(done.dah.length).toBe(1);
}, 60_000);
