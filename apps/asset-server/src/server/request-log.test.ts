import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSettings } from "@subtreekit/settings";
import { openBlobStore, openTxStore, type TxStore } from "@subtreekit/stores";
import pino from "pino";
import { seedSubtree } from "../testing/fixtures.ts";
import { type AssetServer, createAssetServer } from "./create.ts";

const lines: Record<string, unknown>[] = [];
let asset: AssetServer;
let url: string;
let txs: TxStore;
const dir = mkdtempSync(join(tmpdir(), "asset-log-"));

beforeAll(async () => {
  const blobs = await openBlobStore(`file://${dir}/blobs?fsync=none`);
  txs = await openTxStore(`sqlite://${dir}/tx.sqlite`);
  const settings = { ...loadSettings({ env: {}, files: [] }), asset_concurrency_subtree_data_create: 1 };
  // A real pino logger writing JSON lines into an array instead of stdout.
  const logger = pino({ level: "info" }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  asset = createAssetServer({ settings, txStore: txs, blobStore: blobs, logger, heightScanMs: 0 });
  url = `${(await asset.listen({ port: 0, hostname: "127.0.0.1" })).url}/api/v1`;
  const st = await seedSubtree({ blobs, txs }, 500);
  (globalThis as { st?: typeof st }).st = st;
});
afterAll(async () => {
  await asset.shutdown({ graceMs: 0 });
  await txs.close();
  rmSync(dir, { recursive: true, force: true });
});

test("one JSON line per request with status, bytes, duration and outcome (streams log at their end)", async () => {
  const st = (globalThis as unknown as { st: { hex: string; data: Uint8Array } }).st;
  await (await fetch(`${url}/subtree_data/${st.hex}`)).arrayBuffer(); // built
  await (await fetch(`${url}/subtree_data/${st.hex}`)).arrayBuffer(); // file
  await (await fetch(`${url}/subtree_data/${"ab".repeat(32)}`)).arrayBuffer(); // 404
  await (await fetch(`${url}/subtree_data/nothex`)).arrayBuffer(); // 400
  await Bun.sleep(50);
  const requests = lines.filter((l) => l.msg === "request");
  expect(requests.map((l) => [l.status, l.outcome])).toEqual([
    [200, "built"],
    [200, "file"],
    [404, "error"],
    [400, "error"],
  ]);
  expect(requests[0]!.bytes).toBe(st.data.length);
  expect(requests[1]!.bytes).toBe(st.data.length);
  for (const l of requests) {
    expect(typeof l.durationMs).toBe("number");
    expect(String(l.path)).toStartWith("/api/v1/subtree_data/");
  }
});
