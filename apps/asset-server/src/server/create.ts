import { dirname } from "node:path";
import type { Hono } from "hono";
import pino, { type Logger } from "pino";
import { createApp } from "./app.ts";
import { type AppEnv, type ServerContext, semaphoresFor } from "./context.ts";
import { HeightTracker } from "./height.ts";
import { LoopStallProbe } from "./loop-stall.ts";
import { LoopTurn } from "./loop-turn.ts";
import { AssetMetrics } from "./metrics.ts";
import type { BlobStorePort, TxStorePort } from "./ports.ts";
import { rateLimitGuard } from "./rate-limit/guard.ts";
import { RateLimiter } from "./rate-limit/rate-limiter.ts";
import { ROUTE_LIMITS } from "./rate-limit/route-limits.ts";
import { subtreeDataHandler } from "./routes/subtree-data.ts";
import { PostgresBuildRegistry } from "./scale-out/build-registry-pg.ts";
import type { BuildCoordinator } from "./scale-out/coordinator.ts";
import type { AssetSettings } from "./settings.ts";
import { ActiveStreams } from "./stream-response.ts";
import type { SubtreeDataBuild } from "./subtree-data/build.ts";
import { BuildAbortedError, ShutdownError } from "./subtree-data/build-errors.ts";
import { type BuildRegistry, LocalBuildRegistry } from "./subtree-data/build-registry.ts";
import { type RetryAfterPolicy, retryAfterPolicy } from "./subtree-data/retry-after-policy.ts";

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
  /** Bound of the rate limiter's client table. Default 50 000 (the reference's). */
  rateLimitMaxClients?: number;
}

/**
 * What tests (and benches) may look at and hold, instead of the server's internals: permit
 * counts, builds in flight, and the retry policy's view.
 */
export interface AssetServerTesting {
  /** Create permits held now (builds), and free. */
  readonly createInUse: number;
  readonly createAvailable: number;
  /** Reader permits held now (file responses being set up, followers). */
  readonly readerInUse: number;
  /** Claims of builds held in this process (started or starting). */
  readonly buildsInFlight: number;
  /** Takes `n` create (or reader) permits at once, as running builds would; call the result to give them back. */
  holdCreatePermits(n: number): () => void;
  holdReaderPermits(n: number): () => void;
  /** The retry policy the server answers 503s with. */
  readonly retry: RetryAfterPolicy;
  /** The build of `hex` running here, to read its progress and bytes handed to readers. */
  build(hex: string): SubtreeDataBuild | undefined;
  /** Waits until every build in flight here settled. */
  buildsSettled(): Promise<void>;
  /** Entries in the rate limiter's tables (clients with buckets, parsed addresses). */
  readonly rateLimitEntries: { clients: number; addresses: number };
}

export interface RunningServer {
  url: string;
  port: number;
  server: ReturnType<typeof Bun.serve>;
}

export interface AssetServer {
  app: Hono<AppEnv>;
  metrics: ServerContext["metrics"];
  /** Settings, stores and height the server runs with. */
  readonly settings: AssetSettings;
  readonly height: HeightTracker;
  /** A small view for tests; see {@link AssetServerTesting}. */
  readonly testing: AssetServerTesting;
  /** `fetch` for `app.request`-style tests: no socket, so no client address and no rate limit. */
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
  const local = new LocalBuildRegistry(settings.asset_subtree_data_retry_after_s);
  const builds: BuildRegistry = options.coordinator
    ? new PostgresBuildRegistry(local, options.coordinator, {
        blobs: options.blobStore,
        logger,
        retryAfterS: settings.asset_subtree_data_retry_after_s,
      })
    : local;
  const blobRoot = options.blobStore.root ?? dirname(dirname(options.blobStore.path(new Uint8Array(32), "block")));
  const height = new HeightTracker(options.blobStore, blobRoot, logger, options.txStore);
  const loop = new LoopStallProbe();
  const metrics = new AssetMetrics({
    createInUse: () => createSem.inUse,
    createWaiting: () => createSem.waiting,
    readerInUse: () => readerSem.inUse,
    readerWaiting: () => readerSem.waiting,
    builds: () => builds.size,
    followers: () => [...builds.local()].reduce((n, b) => n + b.followers, 0),
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
    retry: retryAfterPolicy(settings, createSem.capacity, options.retryClock),
    rejectInits: new Map(),
    targets: new Map(),
    turn: new LoopTurn(),
    metrics,
    limiter: new RateLimiter({
      globalRate: settings.asset_httpRateLimit,
      heavyRate: settings.asset_httpHeavyRateLimit,
      exempt: settings.asset_httpRateLimitExempt,
      trustedProxies: settings.asset_httpTrustedProxies,
      ...(options.rateLimitMaxClients ? { maxClients: options.rateLimitMaxClients } : {}),
    }),
    logger,
    active: new ActiveStreams(),
    height,
    closing: false,
  };
  const app = createApp(ctx);
  const fetch = (req: Request) => app.fetch(req);
  const limit = rateLimitGuard(ctx);
  let running: RunningServer | undefined;

  const hold = (sem: typeof createSem, n: number) => {
    const permit = sem.tryAcquire(n);
    if (!permit) throw new Error(`cannot hold ${n} permits: ${sem.available} free`);
    return () => permit.release();
  };
  const testing: AssetServerTesting = {
    get createInUse() {
      return createSem.inUse;
    },
    get createAvailable() {
      return createSem.available;
    },
    get readerInUse() {
      return readerSem.inUse;
    },
    get buildsInFlight() {
      return builds.size;
    },
    holdCreatePermits: (n) => hold(createSem, n),
    holdReaderPermits: (n) => hold(readerSem, n),
    retry: ctx.retry,
    build: (hex) => [...builds.local()].find((b) => b.hex === hex),
    buildsSettled: async () => {
      await Promise.all([...builds.local()].map((b) => b.done));
    },
    get rateLimitEntries() {
      return ctx.limiter.size;
    },
  };

  return {
    app,
    metrics,
    settings,
    height,
    testing,
    fetch,
    async listen({ port = 0, hostname } = {}) {
      await height.scan();
      loop.start();
      const scanMs = options.heightScanMs ?? 30_000;
      if (scanMs > 0) height.start(scanMs);
      // subtree_data skips hono's middleware: Bun's native router calls the same handler.
      const subtreeData = subtreeDataHandler(ctx);
      const route = `${settings.asset_apiPrefix.replace(/\/+$/, "")}/subtree_data/:hash`;
      const server = Bun.serve({
        port,
        hostname,
        // A slow but reading client keeps the socket active; one that stops reading for this
        // long is cut, which cancels its body and cleans up its build like any disconnect.
        idleTimeout: Math.min(255, settings.asset_idle_timeout_s),
        // The rate limit runs first on both paths, before any router or admission work.
        routes: {
          [route]: {
            GET: (req: Bun.BunRequest<string>, srv: Bun.Server<undefined>) =>
              limit(req, srv, ROUTE_LIMITS.subtree_data) ?? subtreeData(req, req.params.hash),
          },
        },
        fetch: (req, srv) => limit(req, srv) ?? app.fetch(req),
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
      // A build still being set up starts after this look: look again until none is left.
      for (let round = 0; builds.size > 0 && round < 100; round++) {
        const inFlight = [...builds.local()];
        for (const b of inFlight) b.abort(new BuildAbortedError("SHUTDOWN", "server is shutting down"));
        await Promise.all(inFlight.map((b) => b.done));
        if (builds.size > 0) await Bun.sleep(10);
      }
      await running?.server.stop(true);
      await stopped;
      await height.idle();
      loop.stop();
    },
  };
}
