import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { subtreeDataFiles } from "./testing/files.ts";
import { BUILDS_IN_FLIGHT, CREATE_IN_USE, CREATED, metricSum, metricsText } from "./testing/metrics.ts";
import { fetchNodes, fetchVerified } from "./testing/peer.ts";
import { seedBlock } from "./testing/seed.ts";
import { type ServerProcess, startServer } from "./testing/server-process.ts";
import { mountTmpfs, unmount } from "./testing/tmpfs.ts";
import { waitFor } from "./testing/wait.ts";

const MIB = 1024 * 1024;
// A 48 MiB tmpfs; before the big (~20 MB) build a filler leaves only 8 MiB free, so the build
// runs out of space part-way — until the filler is deleted.
const TMPFS_MIB = 48;
const LEAVE_FREE = 8 * MIB;
const dir = mkdtempSync(join(tmpdir(), "faults-diskfull-"));
const blobs = join(dir, "blobs");
mkdirSync(blobs);
const mounted = mountTmpfs(blobs, TMPFS_MIB);
if (!mounted.ok) console.warn(`skipped disk-full test: ${mounted.reason}`);
let server: ServerProcess | undefined;

afterAll(async () => {
  await server?.kill();
  if (mounted.ok) unmount(blobs);
  rmSync(dir, { recursive: true, force: true });
});

test.skipIf(!mounted.ok)(
  "disk full during a build (blob store on a small tmpfs): that request aborts, temp removed, permit released, existing files still served, and a build after freeing space succeeds",
  async () => {
    const env = { txstore: `sqlite://${join(dir, "tx.sqlite")}`, subtreestore: `file://${blobs}` };
    const small = seedBlock({ ...env, subtrees: 1, txs: 2000, txBytes: 1000, seed: 5 }).subtrees[0] as string;
    const big = seedBlock({ ...env, subtrees: 1, txs: 10_000, txBytes: 2000, seed: 6 }).subtrees[0] as string;
    server = await startServer({ cwd: dir, env });
    const smallNodes = await fetchNodes(server.api, small);
    const bigNodes = await fetchNodes(server.api, big);

    // An existing file to keep serving once the disk is full.
    expect(await fetchVerified(server.api, small, smallNodes)).toBe(smallNodes.length - 1);
    expect(subtreeDataFiles(blobs, small).final.length).toBe(1);

    const filler = join(blobs, "filler");
    const fs = statfsSync(blobs);
    writeFileSync(filler, new Uint8Array(fs.bavail * fs.bsize - LEAVE_FREE));

    // The big build runs out of space part-way: the client gets a truncated transfer.
    const failed = await fetchVerified(server.api, big, bigNodes).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(failed).toBeInstanceOf(Error);
    await waitFor(
      async () => {
        const m = await metricsText(server!.url);
        return metricSum(m, CREATED, { source: "write_failed" }) === 1;
      },
      10_000,
      "write_failed to be counted",
    );
    // It failed for the reason under test: the server logged the build failure with ENOSPC.
    await waitFor(() => /ENOSPC|no space/i.test(server!.output()), 5000, "the ENOSPC log line");
    const m = await metricsText(server.url);
    expect(metricSum(m, CREATE_IN_USE)).toBe(0);
    expect(metricSum(m, BUILDS_IN_FLIGHT)).toBe(0);
    expect(subtreeDataFiles(blobs, big)).toEqual({ final: [], temp: [], dah: [] });

    // Existing files are still served, byte-exact and verified.
    expect(await fetchVerified(server.api, small, smallNodes)).toBe(smallNodes.length - 1);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);

    // Space freed: the same build now succeeds (the permit really came back).
    rmSync(filler);
    expect(await fetchVerified(server.api, big, bigNodes)).toBe(bigNodes.length - 1);
    expect(subtreeDataFiles(blobs, big).final.length).toBe(1);
    const after = await metricsText(server.url);
    expect(metricSum(after, CREATED, { source: "on_demand_created" })).toBe(2);
  },
  60_000,
);
