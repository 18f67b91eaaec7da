import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSettings } from "@subtreekit/settings";
import { type FileBlobStore, openBlobStore, openTxStore, type TxStore } from "@subtreekit/stores";
import pino from "pino";
import { type SeededSubtree, seedSubtree } from "../../testing/fixtures.ts";
import { type AssetServer, createAssetServer } from "../create.ts";
import { createLogger } from "../logger.ts";
import { logRequest } from "../request-log.ts";

// A real server on a real socket (Bun's native route for subtree_data), create cap 1 held for the
// whole file (as by a long build), a logger from `createLogger` writing into an array.
const lines: string[] = [];
const dir = mkdtempSync(join(tmpdir(), "asset-native-route-"));
let asset: AssetServer;
let api: string;
let url: string;
let txs: TxStore;
let blobs: FileBlobStore;
let unbuilt: SeededSubtree;
let built: SeededSubtree;

beforeAll(async () => {
  blobs = await openBlobStore(`file://${dir}/blobs?fsync=none`);
  txs = await openTxStore(`sqlite://${dir}/tx.sqlite`);
  const settings = { ...loadSettings({ env: {}, files: [] }), asset_concurrency_subtree_data_create: 1 };
  const logger = createLogger("info", { write: (s) => void lines.push(s) });
  asset = createAssetServer({ settings, txStore: txs, blobStore: blobs, logger, heightScanMs: 0 });
  const running = await asset.listen({ port: 0, hostname: "127.0.0.1" });
  url = running.url;
  api = `${running.url}${settings.asset_apiPrefix}`;
  built = await seedSubtree({ blobs, txs }, 50);
  // Built while the cap is free, so its file exists; then the cap is taken.
  expect((await fetch(`${api}/subtree_data/${built.hex}`)).status).toBe(200);
  unbuilt = await seedSubtree({ blobs, txs }, 50);
  asset.testing.holdCreatePermits(1);
});
afterAll(async () => {
  await asset.shutdown({ graceMs: 0 });
  await txs.close();
  rmSync(dir, { recursive: true, force: true });
});

const requestLines = () =>
  lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === "request");

async function get(path: string) {
  const res = await fetch(`${api}${path}`);
  return { status: res.status, headers: res.headers, body: await res.text() };
}

test("cap full: the native route and the app answer the same 503, counted and logged alike", async () => {
  lines.length = 0;
  const viaSocket = await get(`/subtree_data/${unbuilt.hex}`);
  const again = await get(`/subtree_data/${unbuilt.hex}`);
  const upper = await get(`/subtree_data/${unbuilt.hex.toUpperCase()}?x=1`);
  // The same handler through hono (`app.request`), as tests and embedders call it.
  const res = await asset.app.request(`${asset.settings.asset_apiPrefix}/subtree_data/${unbuilt.hex}`);
  const viaApp = { status: res.status, headers: res.headers, body: await res.text() };
  for (const r of [viaSocket, again, upper, viaApp]) {
    expect(r.status).toBe(503);
    expect(r.headers.get("retry-after")).toBe(String(asset.settings.asset_subtree_data_retry_after_s));
    expect(r.headers.get("content-type")).toBe("application/json");
    expect(r.body).toBe(viaSocket.body);
    expect(JSON.parse(r.body)).toEqual({
      message: `on-demand subtree data creation at capacity for ${unbuilt.hex}; retry later`,
    });
  }
  const metrics = await (await fetch(`${url}/metrics`)).text();
  expect(metrics).toContain('teranode_asset_http_get_subtree_data{function="ERROR",operation="Service Unavailable"} 4');
  const logged = requestLines().filter((l) => String(l.path).includes("/subtree_data/"));
  expect(logged.map((l) => [l.status, l.outcome, l.bytes])).toEqual(
    Array.from({ length: 4 }, () => [503, "rejected", Buffer.byteLength(viaSocket.body)]),
  );
  for (const l of logged) {
    expect(l).toMatchObject({ level: 30, service: "asset-server", method: "GET" });
    expect(typeof l.time).toBe("number");
    expect(typeof l.durationMs).toBe("number");
  }
  expect(logged[2]!.path).toBe(`${asset.settings.asset_apiPrefix}/subtree_data/${unbuilt.hex.toUpperCase()}`);
});

test("cap full: existing files are served, bad hashes are 400, unknown subtrees 404, a trailing slash no route", async () => {
  const file = await fetch(`${api}/subtree_data/${built.hex}`);
  expect(file.status).toBe(200);
  expect(Buffer.compare(new Uint8Array(await file.arrayBuffer()), built.data)).toBe(0);
  expect((await get(`/subtree_data/${unbuilt.hex.slice(1)}`)).status).toBe(400);
  expect((await get(`/subtree_data/${"zz".repeat(32)}`)).status).toBe(400);
  expect((await get(`/subtree_data/${"ab".repeat(32)}`)).status).toBe(404);
  expect((await get(`/subtree_data/${unbuilt.hex}/`)).status).toBe(404);
});

test("cap full: a file another process publishes right after a 503 is served at the very next request (no cached rejection)", async () => {
  const late = await seedSubtree({ blobs, txs }, 40);
  expect((await get(`/subtree_data/${late.hex}`)).status).toBe(503);
  // An import or another replica publishes it; nothing in this server was told.
  await blobs.put(late.hash, "subtreeData", late.data);
  const res = await fetch(`${api}/subtree_data/${late.hex}`);
  expect(res.status).toBe(200);
  expect(Buffer.compare(new Uint8Array(await res.arrayBuffer()), late.data)).toBe(0);
});

test("a hand-rolled request line parses to what pino prints for the same fields", () => {
  const ours: string[] = [];
  const theirs: string[] = [];
  const fastLogger = createLogger("info", { write: (s) => void ours.push(s) });
  const pinoLogger = pino(
    { level: "info", base: { service: "asset-server" } },
    { write: (s: string) => void theirs.push(s) },
  );
  const start = performance.now();
  for (const logger of [fastLogger, pinoLogger]) {
    logRequest(logger, "GET", '/a"b\\c', 503, 139, start, "rejected");
    logRequest(logger, "GET", "/x", 500, undefined, start, "error", new Error('bad "thing"\n'));
    logRequest(logger, "GET", "/y", 200, 10, start, "failed");
    logRequest(logger, "GET", "/ctl\u0001/\ud800/é", 404, 2, start, "error");
  }
  expect(ours.length).toBe(4);
  expect(ours.every((l) => l.endsWith("}\n") && !l.slice(0, -1).includes("\n"))).toBe(true);
  const strip = (l: string) => {
    const { time, durationMs, ...rest } = JSON.parse(l) as Record<string, unknown>;
    expect(typeof time).toBe("number");
    expect(typeof durationMs).toBe("number");
    return rest;
  };
  expect(ours.map(strip)).toEqual(theirs.map(strip));
  // Same key order too: a line differs from pino's only in its numbers.
  expect(ours.map((l) => Object.keys(JSON.parse(l)))).toEqual(theirs.map((l) => Object.keys(JSON.parse(l))));
});

test("a level above info writes no rejection line (the level is read per line)", () => {
  const out: string[] = [];
  const logger = createLogger("warn", { write: (s) => void out.push(s) });
  logRequest(logger, "GET", "/p", 503, 1, performance.now(), "rejected");
  logRequest(logger, "GET", "/p", 500, 1, performance.now(), "error");
  expect(out.map((l) => JSON.parse(l).level)).toEqual([40]);
  logger.level = "info";
  logRequest(logger, "GET", "/p", 503, 1, performance.now(), "rejected");
  expect(out.length).toBe(2);
});
