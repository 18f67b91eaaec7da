import { parseArgs } from "node:util";
import { isSettingsError, loadSettings } from "@subtreekit/settings";
import { openBlobStore, openTxStore } from "@subtreekit/stores";
import { createAssetServer, type RunningServer } from "../server/create.ts";
import { createLogger, flushLogger } from "../server/logger.ts";
import type { TxStorePort } from "../server/ports.ts";
import { openCoordinator } from "../server/scale-out/open-coordinator.ts";
import { SHARED_SWEEP_AGE_MS } from "../server/scale-out/shared-sweep.ts";
import { type AssetSettings, capacityOf } from "../server/settings.ts";
import { parseListen } from "./listen.ts";
import { listenFailure } from "./listen-failure.ts";
import { type CommandUsage, formatUsage, usageLine } from "./usage.ts";

export const usage: CommandUsage = {
  name: "serve",
  args: "",
  summary: "Serve the stores named in the settings over HTTP on asset_httpListenAddress (default :8090).",
  flags: [],
};

/**
 * SQLite page cache of the server's tx store (KiB), unless the URL says `?cache_kib=`. Why not the
 * store's 64 MiB default: the cache is anonymous memory that stays resident, and a server reads
 * the store in subtree order once per build, so the OS file cache serves it as well. Measured with
 * 4 concurrent 40 MB builds: 8 MiB took ~70 MiB off the server's RSS, builds and random lookups
 * timed the same within noise.
 */
const SERVER_SQLITE_CACHE_KIB = 8192;

/**
 * `serve`: settings validated (one message for every bad key) → stores opened (a bad URL or an
 * unreachable database fails now, with its cause) → stale temp and orphan `.dah` files swept → listen. SIGTERM /
 * SIGINT: stop accepting, let streams finish for `asset_shutdown_grace_ms`, abort the rest,
 * release everything, exit 0.
 */
export async function run(
  argv: string[],
  /** Failure injection for tests that run `serve` in a child process (e.g. a slowed tx store). */
  inject: { wrapTxStore?: (real: Awaited<ReturnType<typeof openTxStore>>) => TxStorePort } = {},
): Promise<number> {
  try {
    const { values } = parseArgs({ args: argv, strict: true, options: { help: { type: "boolean", short: "h" } } });
    if (values.help) {
      console.log(formatUsage(usage));
      return 0;
    }
  } catch (err) {
    console.error(`serve: ${(err as Error).message}\n${usageLine(usage)}`);
    return 2;
  }
  let settings: AssetSettings;
  try {
    settings = loadSettings();
  } catch (err) {
    console.error(isSettingsError(err) ? err.message : String(err));
    return 1;
  }
  const logger = createLogger(settings.logLevel);
  let blobs: Awaited<ReturnType<typeof openBlobStore>>;
  let txs: Awaited<ReturnType<typeof openTxStore>>;
  let coordinator: Awaited<ReturnType<typeof openCoordinator>>;
  try {
    blobs = await openBlobStore(settings.subtreestore);
    txs = await openTxStore(settings.txstore, { cacheKiB: SERVER_SQLITE_CACHE_KIB });
    // Postgres tx store = scale-out: builds are coordinated with the other replicas.
    coordinator = await openCoordinator({
      txstore: settings.txstore,
      createCap: capacityOf(settings.asset_concurrency_subtree_data_create),
      followTimeoutMs: settings.asset_follow_remote_timeout_ms,
    });
  } catch (err) {
    logger.fatal({ err: String(err), cause: String((err as Error).cause ?? "") }, "could not open the stores");
    flushLogger(logger);
    return 1;
  }
  // A shared directory holds other replicas' builds in progress: sweep only old temp files there,
  // and only old `.dah` files without a blob or a temp of it (a live build always has its temp).
  const sweep = coordinator ? { olderThanMs: SHARED_SWEEP_AGE_MS } : {};
  const swept = await blobs.sweepTempFiles(sweep);
  const sweptDah = await blobs.sweepOrphanDahFiles(sweep);
  const txStore = inject.wrapTxStore ? inject.wrapTxStore(txs) : txs;
  const asset = createAssetServer({ settings, txStore, blobStore: blobs, logger, coordinator });
  const at = parseListen(settings.asset_httpListenAddress);
  let running: RunningServer;
  try {
    running = await asset.listen(at);
  } catch (err) {
    // Stop what listen started (height scan timer, loop-stall monitor) and close the stores.
    await asset.shutdown({ graceMs: 0 });
    await txs.close();
    await coordinator?.close();
    const line = listenFailure(err, at);
    if (line === undefined) throw err;
    flushLogger(logger);
    console.error(line);
    return 1;
  }
  logger.info({ url: running.url, swept, sweptDah, height: asset.height.current }, "asset server listening");
  // Supervisors and tests wait for this line: do not leave it in the buffer.
  flushLogger(logger);

  const done = new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal, graceMs: settings.asset_shutdown_grace_ms }, "shutting down");
      asset
        .shutdown()
        .then(() => txs.close())
        .then(() => coordinator?.close())
        .catch((err) => logger.error({ err: String(err) }, "shutdown error"))
        .finally(resolve);
    };
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
  });
  await done;
  logger.info("stopped");
  flushLogger(logger);
  return 0;
}
