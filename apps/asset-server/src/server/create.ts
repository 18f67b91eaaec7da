import { dirname } from "node:path";
import type { Hono } from "hono";
import pino, { type Logger } from "pino";
import { createApp } from "./app.ts";
import { type AppEnv, type ServerContext, semaphoresFor } from "./context.ts";
import { HeightTracker } from "./height.ts";
import { LoopStallProbe } from "./loop-stall.ts";
import { AssetMetrics } from "./metrics.ts";
import type { BlobStorePort, TxStorePort } from "./ports.ts";
import type { BuildCoordinator } from "./scale-out/coordinator.ts";
import type { AssetSettings } from "./settings.ts";
import { ActiveStreams } from "./stream-response.ts";
import { BuildAbortedError, ShutdownError } from "./subtree-data/build-errors.ts";
import { fastRejection } from "./subtree-data/fast-reject.ts";
import { RetrySchedule } from "./subtree-data/retry-schedule.ts";

export interface CreateAssetServerOptions {
  settings: AssetSettings;
  txStore: TxStorePort;
  blobStore: BlobStorePort;
  /** Default: a silent logger (the CLI passes a pino stdout logger). */
  logger?: Logger;
  /** Scan stored blocks for the current height every this many ms (0 = only at listen). Default 30000. */
  heightScanMs?: number;
  /** Scale-out: coordinates builds with other replicas (see `openCoordinator`). Not closed by `shutdown`. */
  coordinator?: BuildCoordinator;
  /** Clock of the retry schedule (ms). Default `performance.now`; tests move their own. */
  retryClock?: () => number;
}

export interface RunningServer {
  url: string;
  port: number;
  server: ReturnType<typeof Bun.serve>;
}

export interface AssetServer {
  app: Hono<AppEnv>;
  ctx: ServerContext;
  metrics: ServerContext["metrics"];
  /** `fetch` for `Bun.serve` or `app.request`-style tests. */
  fetch: (req: Request) => Response | Promise<Response>;
  /** Scans the current height, then listens. `port: 0` picks a free port. */
  listen(options?: { port?: number; hostname?: string }): Promise<RunningServer>;
  /**
   * Stops accepting, lets streams finish for `graceMs` (default `asset_shutdown_grace_ms`), then
   * aborts the rest and waits until every build released its permit. Does not close the stores.
   */
  shutdown(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Builds the server around stores the caller opened (tests, benches and the CLI all use this).
 *
 * @example
 * ```ts
 * const asset = createAssetServer({ settings, txStore, blobStore });
 * const { url } = await asset.listen({ port: 0 });
 * await fetch(`${url}/api/v1/subtree_data/${hex}`);
 * await asset.shutdown();
 * ```
 */
export function createAssetServer(options: CreateAssetServerOptions): AssetServer {
  const { settings } = options;
  const logger = options.logger ?? pino({ level: "silent" });
  const { createSem, readerSem } = semaphoresFor(settings);
  const builds: ServerContext["builds"] = new Map();
  const blobRoot = options.blobStore.root ?? dirname(dirname(options.blobStore.path(new Uint8Array(32), "block")));
  const height = new HeightTracker(options.blobStore, blobRoot, logger);
  const loop = new LoopStallProbe();
  const metrics = new AssetMetrics({
    createInUse: () => createSem.inUse,
    createWaiting: () => createSem.waiting,
    readerInUse: () => readerSem.inUse,
    readerWaiting: () => readerSem.waiting,
    builds: () => builds.size,
    followers: () => [...builds.values()].reduce((n, s) => n + (s.build?.followers ?? 0), 0),
    loopStalls: () => loop.stalls,
    loopMaxLateMs: () => loop.maxLateMs,
  });
  const ctx: ServerContext = {
    settings,
    blobs: options.blobStore,
    txs: options.txStore,
    createSem,
    readerSem,
    builds,
    retry: new RetrySchedule({
      cap: createSem.capacity,
      minS: settings.asset_subtree_data_retry_after_s,
      maxS: settings.asset_subtree_data_retry_after_max_s,
      ...(options.retryClock ? { now: options.retryClock } : {}),
    }),
    metrics,
    logger,
    active: new ActiveStreams(),
    height,
    ...(options.coordinator ? { coordinator: options.coordinator } : {}),
    closing: false,
  };
  const app = createApp(ctx);
  const fetch = (req: Request) => app.fetch(req);
  let running: RunningServer | undefined;

  return {
    app,
    ctx,
    metrics,
    fetch,
    async listen({ port = 0, hostname } = {}) {
      await height.scan();
      loop.start();
      const scanMs = options.heightScanMs ?? 30_000;
      if (scanMs > 0) height.start(scanMs);
      // The repeat 503 of a full create cap skips hono (see `fastRejection`); Bun's native
      // router picks the route, every other request and outcome goes through the app.
      const reject = fastRejection(ctx);
      const route = `${settings.asset_apiPrefix.replace(/\/+$/, "")}/subtree_data/:hash`;
      const server = Bun.serve({
        port,
        hostname,
        // A slow but reading client keeps the socket active; one that stops reading for this
        // long is cut, which cancels its body and cleans up its build like any disconnect.
        idleTimeout: Math.min(255, settings.asset_idle_timeout_s),
        routes: {
          [route]: { GET: (req: Bun.BunRequest<string>) => reject(req, req.params.hash ?? "") ?? app.fetch(req) },
        },
        fetch,
      });
      running = {
        url: `http://${hostname && hostname !== "0.0.0.0" ? hostname : "127.0.0.1"}:${server.port}`,
        port: server.port as number,
        server,
      };
      return running;
    },
    async shutdown({ graceMs = settings.asset_shutdown_grace_ms } = {}) {
      ctx.closing = true;
      height.stop();
      const stopped = running?.server.stop(false);
      const deadline = performance.now() + graceMs;
      await ctx.active.drained(graceMs);
      // File responses are sent by the runtime and show only in its pending-request count;
      // builds finishing for nobody (finish-on-disconnect) get the same grace.
      while (performance.now() < deadline && ((running?.server.pendingRequests ?? 0) > 0 || builds.size > 0)) {
        await Bun.sleep(20);
      }
      ctx.active.abortAll(new ShutdownError("server is shutting down"));
      const inFlight = (await Promise.all([...builds.values()].map((s) => s.ready))).filter((b) => b !== undefined);
      for (const b of inFlight) b.abort(new BuildAbortedError("SHUTDOWN", "server is shutting down"));
      await Promise.all(inFlight.map((b) => b.done));
      await running?.server.stop(true);
      await stopped;
      await height.idle();
      loop.stop();
    },
  };
}
