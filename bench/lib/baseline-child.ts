// A bench child that serves the asset server and, in the same process, a bare baseline app on
// its own port, announced as `PORT <asset> BASELINE <baseline>` on stderr (stdout carries the
// server's log lines, whose cost is part of what is measured).

import type { Hono } from "hono";
import { announced } from "./announced.ts";

/** What {@link serveWithBaseline} sets up besides the defaults. */
export interface ServeWithBaselineOptions {
  /** Settings over the defaults (e.g. a full create cap, an emptied exempt list). */
  settings: Record<string, unknown>;
  logLevel: string;
  /** Routes of the bare baseline app. */
  baseline: (app: Hono<{ Bindings: { requestIP(req: Request): unknown } }>) => void;
  /** Runs on the asset server before it listens (e.g. to hold its build permits). */
  prepare?: (asset: { testing: { holdCreatePermits(n: number): unknown } }) => void;
}

/**
 * Child side: the asset server over `<dir>/blobs` and `<dir>/tx.sqlite` on a free loopback port
 * and, in the same process under the same Bun.serve options (idleTimeout), the baseline app on
 * its own, announced for {@link spawnWithBaseline}. Same process: both share its CPU, heap and JIT.
 */
export async function serveWithBaseline(dir: string, o: ServeWithBaselineOptions): Promise<void> {
  const { loadSettings } = await import("../../packages/settings/src/index.ts");
  const { openBlobStore, openTxStore } = await import("../../packages/stores/src/index.ts");
  const { createAssetServer, createLogger } = await import("../../apps/asset-server/src/index.ts");
  const settings = { ...loadSettings({ env: {}, files: [] }), ...o.settings };
  const blobStore = await openBlobStore(`file://${dir}/blobs`);
  const txStore = await openTxStore(`sqlite://${dir}/tx.sqlite`);
  const asset = createAssetServer({ settings, txStore, blobStore, heightScanMs: 0, logger: createLogger(o.logLevel) });
  o.prepare?.(asset);
  const { port } = await asset.listen({ port: 0, hostname: "127.0.0.1" });
  const { Hono } = await import("hono");
  const app = new Hono<{ Bindings: { requestIP(req: Request): unknown } }>();
  o.baseline(app);
  const baseline = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: Math.min(255, settings.asset_idle_timeout_s),
    fetch: app.fetch,
  });
  console.error(`PORT ${port} BASELINE ${baseline.port}`);
}

/** A child started by {@link spawnWithBaseline}. */
export interface BaselineChild {
  port: number;
  baseline: number;
  pid: number;
  kill: () => void;
}

/** Runs `bun <script> ...args` and resolves once it announced both ports. */
export async function spawnWithBaseline(script: string, args: string[]): Promise<BaselineChild> {
  const child = Bun.spawn(["bun", script, ...args], { stdout: "ignore", stderr: "pipe" });
  const m = await announced(child.stderr, /PORT (\d+) BASELINE (\d+)/);
  return { port: Number(m[1]), baseline: Number(m[2]), pid: child.pid, kill: () => child.kill() };
}
