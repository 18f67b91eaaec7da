// The benchmarks run the asset server in a child process of their own script, so its CPU and
// event loop are not the measuring process's. These are the two halves every such bench used to
// copy: the child's `--serve-asset` entry and the parent's "spawn it and wait for its port".
import { announced } from "./announced.ts";

/**
 * Child side: a real asset server over `<dir>/blobs` and `<dir>/tx.sqlite` with default settings
 * (no height scan), on a free loopback port, announced as `PORT <n>` on stdout.
 * `blobQuery` is appended to the blob store URL (e.g. `?fsync=none`), `txQuery` to the tx store's
 * (e.g. `?read_workers=0`).
 */
export async function serveAsset(
  dir: string,
  { blobQuery = "", txQuery = "" }: { blobQuery?: string; txQuery?: string } = {},
): Promise<void> {
  const { loadSettings } = await import("../../packages/settings/src/index.ts");
  const { openBlobStore, openTxStore } = await import("../../packages/stores/src/index.ts");
  const { createAssetServer } = await import("../../apps/asset-server/src/index.ts");
  const settings = loadSettings({ env: {}, files: [] });
  const blobStore = await openBlobStore(`file://${dir}/blobs${blobQuery}`);
  const txStore = await openTxStore(`sqlite://${dir}/tx.sqlite${txQuery}`);
  const asset = createAssetServer({ settings, txStore, blobStore, heightScanMs: 0 });
  const { port } = await asset.listen({ port: 0, hostname: "127.0.0.1" });
  console.log(`PORT ${port}`);
}

/** A child started by {@link spawnServing}. */
export interface ServingChild {
  pid: number;
  port: number;
  kill(): void;
}

/**
 * Parent side: runs `bun <script> ...args` and resolves once the child printed `PORT <n>` on
 * stdout (its stderr goes to ours). Rejects with what it printed if it exits first.
 */
export async function spawnServing(script: string, args: string[]): Promise<ServingChild> {
  const child = Bun.spawn(["bun", script, ...args], { stdout: "pipe", stderr: "inherit" });
  const m = await announced(child.stdout, /PORT (\d+)/);
  return { pid: child.pid, port: Number(m[1]), kill: () => child.kill() };
}
