import { parseArgs } from "node:util";
import { isSettingsError } from "@subtreekit/settings";
import { type OpenedStores, openStores } from "../import/open-stores.ts";
import { seed } from "../seed/seed.ts";
import { createAssetServer, type RunningServer } from "../server/create.ts";
import { createLogger, flushLogger } from "../server/logger.ts";
import { parseListen } from "./listen.ts";
import { checkCanListen, listenFailure } from "./listen-failure.ts";
import { startBanner } from "./start-banner.ts";
import { type DemoTarget, latestBlock } from "./start-latest-block.ts";
import { type CommandUsage, formatUsage, usageLine } from "./usage.ts";

export const usage: CommandUsage = {
  name: "start",
  args: "[--port N] [--host H]",
  summary: "What `bun start` runs: seed a demo block into an empty tx store, serve, print commands to try.",
  flags: [
    ["--port N", "port to listen on (default: asset_httpListenAddress's, 8090); 0 = any free port"],
    ["--host H", "interface to bind (default: asset_httpListenAddress's host, all interfaces)"],
  ],
};

/** Size of the demo block seeded into an empty store: small enough to seed in well under a second. */
export const DEMO = { subtrees: 4, txs: 1000, txBytes: 250, seed: 1 } as const;

/**
 * `start` (the root `bun start`): `serve` on the embedded default (`./data` under the current
 * directory, or whatever settings say); when the tx store is empty it first seeds a small demo
 * block, so a fresh clone has something to serve. Prints the URL it listens on (with `--port 0`
 * or `asset_httpListenAddress=:0`, the port the OS picked) and commands to try. A second start
 * finds the data and does not seed again. Runs until SIGINT/SIGTERM.
 */
export async function run(argv: string[], options: { cwd?: string } = {}): Promise<number> {
  let values: { port?: string; host?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: { port: { type: "string" }, host: { type: "string" }, help: { type: "boolean", short: "h" } },
    }));
  } catch (err) {
    console.error(`start: ${(err as Error).message}\n${usageLine(usage)}`);
    return 2;
  }
  if (values.help) {
    console.log(formatUsage(usage));
    return 0;
  }
  let stores: OpenedStores;
  try {
    stores = await openStores({ cwd: options.cwd });
  } catch (err) {
    console.error(
      `start: ${isSettingsError(err) ? err.message : `could not open the stores: ${(err as Error).message}`}`,
    );
    return 1;
  }
  const { settings, txStore, blobStore } = stores;
  let listen: { hostname: string; port: number };
  try {
    listen = parseListen(settings.asset_httpListenAddress);
    if (values.host !== undefined) listen.hostname = values.host;
    if (values.port !== undefined) {
      const port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`bad --port ${values.port}`);
      listen.port = port;
    }
  } catch (err) {
    console.error(`start: ${(err as Error).message}\n${usageLine(usage)}`);
    await stores.close();
    return 2;
  }

  /** Prints the one line for a failed bind and closes the stores; anything else is a bug and is rethrown. */
  const cannotListen = async (err: unknown) => {
    await stores.close();
    const line = listenFailure(err, listen);
    if (line === undefined) throw err;
    console.error(line);
    return 1;
  };

  let target: DemoTarget | undefined;
  if ((await txStore.count()) === 0) {
    // Seeding writes to the store: bind first, so a taken port does not leave a seeded store behind.
    if (listen.port !== 0) {
      try {
        await checkCanListen(listen);
      } catch (err) {
        return cannotListen(err);
      }
    }
    const t0 = performance.now();
    const made = await seed({ txStore, blobStore, ...DEMO });
    target = { block: made.block, height: made.height, subtrees: made.subtrees };
    const ms = Math.round(performance.now() - t0);
    console.log(
      `empty store: seeded a demo block ${made.block} (${DEMO.subtrees} subtrees × ${DEMO.txs} txs) in ${ms} ms`,
    );
  } else {
    target = await latestBlock(blobStore.root);
  }

  const swept = await blobStore.sweepTempFiles();
  // A build killed before publishing also left its `.dah` (written first) with no blob beside it.
  const sweptDah = await blobStore.sweepOrphanDahFiles();
  const logger = createLogger(settings.logLevel);
  const asset = createAssetServer({ settings, txStore, blobStore, logger });
  let running: RunningServer;
  try {
    running = await asset.listen(listen);
  } catch (err) {
    // Stop what listen started (height scan timer, loop-stall monitor) before closing the stores.
    await asset.shutdown({ graceMs: 0 });
    return cannotListen(err);
  }
  // The same line `serve` logs, so supervisors that wait for it work with `start` too.
  logger.info({ url: running.url, swept, sweptDah, height: asset.height.current }, "asset server listening");
  flushLogger(logger);
  const host = !listen.hostname || listen.hostname === "0.0.0.0" ? "localhost" : listen.hostname;
  const base = `http://${host.includes(":") ? `[${host}]` : host}:${running.port}`;
  console.log(startBanner(base, settings.asset_apiPrefix, target).join("\n"));

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      asset
        .shutdown()
        .catch((err) => logger.error({ err: String(err) }, "shutdown error"))
        .then(() => stores.close())
        .finally(resolve);
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
  flushLogger(logger);
  return 0;
}

if (import.meta.main) process.exit(await run(process.argv.slice(2)));
