import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAssetServer } from "@subtreekit/asset-server";
import { loadSettings } from "@subtreekit/settings";
import { type FileBlobStore, openBlobStore, openTxStore, type TxStore } from "@subtreekit/stores";
import { REPO_ROOT } from "@subtreekit/testkit";

/** One request as the front of our asset server saw it. */
export interface ServerRequest {
  method: string;
  path: string;
  /** The query string, `?…` or empty. */
  search: string;
  status: number;
  /** POST /txs: txids asked for. */
  txids?: number;
}

export interface RealServer {
  /** `--peer` URL (with the API prefix). */
  api: string;
  blobs: FileBlobStore;
  txs: TxStore;
  /** Store URLs, for `subtreekit-asset import --txstore … --subtreestore …` into this server. */
  txstoreUrl: string;
  subtreestoreUrl: string;
  /** Every request with its status, in arrival order. */
  log: ServerRequest[];
  /** The server's own Prometheus text (`/metrics`), to count what it answered. */
  metrics(): Promise<string>;
  close(): Promise<void>;
}

/**
 * Our real asset server (createAssetServer over real SQLite + file stores in a temp folder),
 * listening on port 0 behind a pass-through front that records each request, its status and,
 * for POST /txs, how many txids were asked for.
 */
export async function startRealServer(
  overrides: Record<string, unknown> = {},
  /** Test double: paths (after the API prefix) matching this get a 404 from the front, as from a server without them. */
  { notFound }: { notFound?: RegExp } = {},
): Promise<RealServer> {
  const dir = mkdtempSync(join(tmpdir(), "stk-validator-asset-"));
  const subtreestoreUrl = `file://${dir}/blobs?fsync=none`;
  const txstoreUrl = `sqlite://${dir}/tx.sqlite`;
  const blobs = await openBlobStore(subtreestoreUrl);
  const txs = await openTxStore(txstoreUrl);
  const settings = { ...loadSettings({ env: {}, files: [] }), ...overrides };
  // biome-ignore lint/suspicious/noExplicitAny: the server's settings type is its own subset
  const asset = createAssetServer({ settings: settings as any, txStore: txs, blobStore: blobs, heightScanMs: 0 });
  const log: ServerRequest[] = [];
  const front = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const entry: ServerRequest = { method: req.method, path: url.pathname, search: url.search, status: 0 };
      log.push(entry);
      if (req.method === "POST") entry.txids = (await req.clone().arrayBuffer()).byteLength / 32;
      if (notFound?.test(entry.path.slice(settings.asset_apiPrefix.length))) {
        entry.status = 404;
        return Response.json({ message: "no such route" }, { status: 404 });
      }
      const res = await asset.fetch(req);
      entry.status = res.status;
      return res;
    },
  });
  return {
    api: `http://127.0.0.1:${front.port}${settings.asset_apiPrefix}`,
    blobs,
    txs,
    txstoreUrl,
    subtreestoreUrl,
    log,
    metrics: () => asset.metrics.registry.metrics(),
    async close() {
      await front.stop(true);
      await asset.shutdown({ graceMs: 0 });
      await txs.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs our importer (`bun apps/asset-server import …`) into `server`'s stores; throws with its output on failure. */
export async function importWithCli(server: RealServer, files: string[], extra: string[] = []): Promise<string> {
  const main = join(REPO_ROOT, "apps", "asset-server", "src", "main.ts");
  const args = ["import", ...files, "--txstore", server.txstoreUrl, "--subtreestore", server.subtreestoreUrl, ...extra];
  const p = Bun.spawn(["bun", main, ...args], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  if (code !== 0) throw new Error(`import exited ${code}:\n${out}${err}`);
  return out;
}
