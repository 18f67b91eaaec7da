#!/usr/bin/env bun
/**
 * FAILURE INJECTION: the asset server with a fake in front of its real tx store. Same start-up as
 * `main.ts serve` (settings from env, real SQLite and blob stores, temp sweep, listen), except that
 * `getTxs` throws on its `FAULT_TX_FAIL_ON`-th call (1-based), like a database that fails
 * mid-build. The server has no injection hook of its own, so this entry builds it through the
 * public factory; it runs as a child process so the test still talks to it over real sockets.
 */
import { createAssetServer, type TxStorePort } from "@subtreekit/asset-server";
import { loadSettings, parseListenAddress } from "@subtreekit/settings";
import { openBlobStore, openTxStore } from "@subtreekit/stores";

class InjectedTxStoreError extends Error {
  override name = "InjectedTxStoreError" as const;
  readonly code = "INJECTED" as const;
}

const failOn = Number(process.env.FAULT_TX_FAIL_ON ?? "3");
const settings = loadSettings();
const blobs = await openBlobStore(settings.subtreestore);
const real = await openTxStore(settings.txstore);
let calls = 0;
const txStore: TxStorePort = {
  async getTxs(hashes, signal) {
    calls++;
    if (calls === failOn) throw new InjectedTxStoreError(`injected tx store failure on getTxs call ${calls}`);
    return real.getTxs(hashes, signal);
  },
  getTx: (hash) => real.getTx(hash),
  close: () => real.close(),
};
await blobs.sweepTempFiles();
await blobs.sweepOrphanDahFiles();
const asset = createAssetServer({ settings, txStore, blobStore: blobs });
const listen = parseListenAddress(settings.asset_httpListenAddress);
await asset.listen({ port: listen?.port ?? 0, hostname: listen?.hostname ?? "127.0.0.1" });
process.on("SIGTERM", () => {
  asset
    .shutdown({ graceMs: 0 })
    .then(() => real.close())
    .finally(() => process.exit(0));
});
