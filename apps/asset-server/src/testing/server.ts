import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSettings } from "@subtreekit/settings";
import { type FileBlobStore, openBlobStore, openTxStore, type TxStore } from "@subtreekit/stores";
import { type AssetServer, createAssetServer, type RunningServer } from "../server/create.ts";
import type { TxStorePort } from "../server/ports.ts";
import type { AssetSettings } from "../server/settings.ts";

export interface TestServer {
  asset: AssetServer;
  url: string;
  api: string;
  running: RunningServer;
  blobs: FileBlobStore;
  txs: TxStore;
  dir: string;
  settings: AssetSettings;
  close(): Promise<void>;
}

/**
 * A real server on port 0 over real stores (SQLite file + blob dir) in a fresh temp dir.
 * `wrapTxStore` lets a failure-injection test put a fake in front of the real tx store;
 * `retryClock` gives the retry schedule a clock the test moves; `rateLimitMaxClients` bounds the
 * rate limiter's client table.
 */
export async function startTestServer(
  overrides: Partial<AssetSettings> = {},
  {
    wrapTxStore,
    retryClock,
    rateLimitMaxClients,
    txQuery = "",
  }: {
    wrapTxStore?: (real: TxStore) => TxStorePort;
    retryClock?: () => number;
    rateLimitMaxClients?: number;
    /** Appended to the tx store's URL, e.g. `?read_workers=2`. */
    txQuery?: string;
  } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "asset-test-"));
  const blobs = await openBlobStore(`file://${dir}/blobs?fsync=none`);
  const txs = await openTxStore(`sqlite://${dir}/tx.sqlite${txQuery}`);
  const settings = { ...loadSettings({ env: {}, files: [] }), ...overrides } as AssetSettings;
  const asset = createAssetServer({
    settings,
    txStore: wrapTxStore ? wrapTxStore(txs) : txs,
    blobStore: blobs,
    heightScanMs: 0,
    ...(retryClock ? { retryClock } : {}),
    ...(rateLimitMaxClients ? { rateLimitMaxClients } : {}),
  });
  const running = await asset.listen({ port: 0, hostname: "127.0.0.1" });
  return {
    asset,
    url: running.url,
    api: `${running.url}${settings.asset_apiPrefix}`,
    running,
    blobs,
    txs,
    dir,
    settings,
    async close() {
      await asset.shutdown({ graceMs: 0 });
      await txs.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
