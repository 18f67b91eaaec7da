import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { openBlobStore, openTxStore } from "@subtreekit/stores";
import { seedSubtree } from "../testing/fixtures.ts";
import { startServerProcess } from "../testing/server-process.ts";

const MAIN = join(import.meta.dir, "..", "main.ts");
const SLOW_SERVE = join(import.meta.dir, "..", "testing", "slow-serve.ts");
const dir = mkdtempSync(join(tmpdir(), "asset-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const settings = {
  subtreestore: `file://${dir}/blobs?fsync=none`,
  txstore: `sqlite://${dir}/tx.sqlite`,
  asset_subtreeDataStreamingChunkSize: "1000",
};
const env = { ...process.env, ...settings, asset_httpListenAddress: "127.0.0.1:0" };

/** Starts `subtreekit-asset serve` (or another entry that runs it) as a child process in `dir`. */
const startChild = (extraEnv: Record<string, string> = {}, cmd?: string[]) =>
  startServerProcess({ cwd: dir, env: { ...settings, ...extraEnv }, ...(cmd ? { cmd } : {}) });

describe("serve (child process)", () => {
  test("kill -9 mid-build (tx store slowed by a fake delay) leaves no final file; restart sweeps the temp file, rebuilds, and SIGTERM exits 0", async () => {
    const blobs = await openBlobStore(`file://${dir}/blobs?fsync=none`);
    const txs = await openTxStore(`sqlite://${dir}/tx.sqlite`);
    const st = await seedSubtree({ blobs, txs }, 30_000, { txSize: 500 });
    await txs.close();
    const files = () =>
      readdirSync(dirname(blobs.path(st.hash, "subtreeData"))).filter((f) => f.includes(".subtreeData"));

    // Builds write at the tx store's pace, not the client's: delay each batch so the kill lands mid-build.
    const first = await startChild({ SUBTREEKIT_TEST_TX_DELAY_MS: "200" }, ["bun", SLOW_SERVE]);
    const res = await fetch(`${first.url}/api/v1/subtree_data/${st.hex}`);
    expect(res.status).toBe(200);
    await res.body!.getReader().read();
    expect(files().some((f) => f.endsWith(".tmp"))).toBe(true);
    await first.kill();
    expect(files().filter((f) => !f.endsWith(".tmp") && !f.endsWith(".dah"))).toEqual([]);

    const second = await startChild();
    expect(files().filter((f) => f.endsWith(".tmp"))).toEqual([]);
    const again = await fetch(`${second.url}/api/v1/subtree_data/${st.hex}`);
    expect(Buffer.compare(new Uint8Array(await again.arrayBuffer()), st.data)).toBe(0);
    expect(await second.stop()).toBe(0);
  }, 60_000);

  test("bad settings fail at start-up naming every bad key", async () => {
    const child = Bun.spawn(["bun", MAIN], {
      env: { ...env, asset_concurrency_subtree_data_create: "lots", asset_idle_timeout_s: "999" },
      stdout: "pipe",
      stderr: "pipe",
      cwd: dir,
    });
    expect(await child.exited).toBe(1);
    const err = await new Response(child.stderr).text();
    expect(err).toContain("asset_concurrency_subtree_data_create");
    expect(err).toContain("asset_idle_timeout_s");
  }, 20_000);

  test("bad rate limit settings fail at start-up naming the key and the bad item", async () => {
    const child = Bun.spawn(["bun", MAIN], {
      env: { ...env, asset_httpHeavyRateLimit: "fast", asset_httpTrustedProxies: "10.0.0.0/8,nginx" },
      stdout: "pipe",
      stderr: "pipe",
      cwd: dir,
    });
    expect(await child.exited).toBe(1);
    const err = await new Response(child.stderr).text();
    expect(err).toContain('asset_httpHeavyRateLimit = "fast"');
    expect(err).toContain("asset_httpTrustedProxies");
    expect(err).toContain('"nginx" is not one');
  }, 20_000);

  test("an unreachable tx store fails fast with its cause", async () => {
    const child = Bun.spawn(["bun", MAIN, "serve"], {
      env: { ...env, txstore: "postgres://nobody@127.0.0.1:1/none" },
      stdout: "pipe",
      stderr: "pipe",
      cwd: dir,
    });
    expect(await child.exited).toBe(1);
    expect(await new Response(child.stdout).text()).toContain("could not open the stores");
  }, 30_000);
});
