#!/usr/bin/env bun
import { parseHash } from "../../apps/asset-server/src/server/params.ts";
// The storm's third run: the reference's on-demand `/subtree_data` as it was before the fix (#896),
// re-created from our own packages, so that the benchmark can show the OOM of the incident beside
// the server that prevents it. Our asset server cannot be made to behave like this by settings: it
// shares one build among all requests for a subtree and bounds a build's chunks in bytes, and
// without those a cap of 0 is still not the pre-fix server.
//
// What it keeps of the reference (spec/teranode-asset.md §3.2, §3.4), and nothing more:
// - every request for data that is not on disk starts its own build: no create cap, no sharing;
// - a build fetches chunks of `asset_subtreeDataStreamingChunkSize` txs (10000), counted in txs
//   only, `asset_subtreeDataStreamingConcurrency` (2) at a time;
// - the build is teed in lockstep to a temp file and to its HTTP body (Go's io.MultiWriter into an
//   io.Pipe), so a slow client holds its build's chunks in memory for as long as it reads;
// - a file already on disk is served as it is.
// Our fixes to the reference's defects stay in (windowed scheduling, no 200 before the first
// byte, an aborted body on failure): they make it no worse, so the memory it shows is a floor.
//
// Not a product: it serves only what the storm needs (`/health`, `/metrics`, the route above),
// configured like the asset server from the environment (txstore, subtreestore,
// asset_httpListenAddress, asset_apiPrefix).
import { loadSettings, parseListenAddress } from "../../packages/settings/src/index.ts";
import { openBlobStore, openTxStore } from "../../packages/stores/src/index.ts";
import {
  FileExistsError,
  readSubtreeFileHead,
  readSubtreeFileNodeHashes,
} from "../../packages/subtree-stream/src/bun/index.ts";
import { teeSink, writeSubtreeData } from "../../packages/subtree-stream/src/index.ts";
import { BodyChannel } from "./body-channel.ts";

const HEADER_BYTES = 8; // the subtreeData file's magic, not part of the body

const settings = loadSettings();
const txs = await openTxStore(settings.txstore);
const blobs = await openBlobStore(settings.subtreestore);
const listen = parseListenAddress(settings.asset_httpListenAddress);
if (!listen) throw new Error(`asset_httpListenAddress must be host:port, got ${settings.asset_httpListenAddress}`);
const route = `${settings.asset_apiPrefix}/subtree_data/`;
// The peers learn each subtree's txids here to verify what they are sent.
const nodesRoute = `${settings.asset_apiPrefix}/subtree/`;

/** Counters under the names the storm reads from the real server's /metrics. */
const counts = { started: 0, ok: 0, failed: 0, gone: 0, bytes: 0 };

const server = Bun.serve({
  ...(listen.hostname ? { hostname: listen.hostname } : {}),
  port: listen.port,
  idleTimeout: 0, // a slow reader of 40 MB at 1 MiB/s must not be cut by the runtime
  async fetch(req) {
    const path = new URL(req.url).pathname;
    if (path === "/health") return new Response("ok");
    if (path === "/metrics") return new Response(metricsText());
    if (req.method === "GET" && path.startsWith(nodesRoute)) return subtreeNodes(path.slice(nodesRoute.length));
    if (req.method !== "GET" || !path.startsWith(route))
      return new Response(`no route for ${req.method} ${path}`, { status: 404 });
    let hash: Uint8Array;
    try {
      hash = parseHash(path.slice(route.length));
    } catch (error) {
      return new Response(String(error), { status: 400 });
    }
    return subtreeData(hash, req.signal);
  },
});
console.log(`pre-fix re-creation listening on ${server.hostname}:${server.port}`);
process.on("SIGTERM", () => {
  void server.stop(true).then(() => process.exit(0));
});

async function subtreeData(hash: Uint8Array, signal: AbortSignal): Promise<Response> {
  const dataPath = blobs.path(hash, "subtreeData");
  if (await blobs.exists(hash, "subtreeData")) return fileResponse(dataPath);
  const type = (await blobs.exists(hash, "subtree"))
    ? "subtree"
    : (await blobs.exists(hash, "subtreeToCheck"))
      ? "subtreeToCheck"
      : undefined;
  if (!type) return new Response("subtree not found", { status: 404 });
  const subtreePath = blobs.path(hash, type);
  const { count } = await readSubtreeFileHead(subtreePath);
  let file: Awaited<ReturnType<typeof blobs.createWriter>>;
  try {
    file = await blobs.createWriter(hash, "subtreeData");
  } catch (error) {
    // Another request's build was published in the meantime.
    if (error instanceof FileExistsError) return fileResponse(dataPath);
    throw error;
  }
  counts.started++;
  const channel = new BodyChannel();
  const stop = new AbortController();
  signal.addEventListener("abort", () => stop.abort(signal.reason), { once: true });
  void writeSubtreeData({
    nodes: readSubtreeFileNodeHashes(subtreePath, count),
    source: txs,
    // File first, then the body, each write awaited: the slower side paces the build.
    sink: teeSink(file, channel),
    chunkSize: settings.asset_subtreeDataStreamingChunkSize,
    concurrency: settings.asset_subtreeDataStreamingConcurrency,
    signal: stop.signal,
  })
    .then(async () => {
      // Of two builds of one subtree, the first to commit publishes; the other's bytes were sent all the same.
      await file.commit().catch((e) => {
        if (!(e instanceof FileExistsError)) throw e;
      });
      counts.ok++;
      await channel.end();
    })
    .catch(async (error) => {
      if (stop.signal.aborted) counts.gone++;
      else counts.failed++;
      await file.abort(error).catch(() => {});
      channel.fail(error);
    });
  const first = await channel.next().catch(() => null);
  if (first === null) return new Response("build failed before its first byte", { status: 500 });
  counts.bytes += first.length;
  let sentFirst = false;
  return new Response(
    new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!sentFirst) {
          sentFirst = true;
          controller.enqueue(first);
          return;
        }
        try {
          const batch = await channel.next();
          if (batch === null) return controller.close();
          counts.bytes += batch.length;
          controller.enqueue(batch);
        } catch (error) {
          controller.error(error); // aborted body: the peer sees a truncated transfer
        }
      },
      cancel(reason) {
        stop.abort(reason);
        channel.detach();
      },
    }),
    { headers: { "content-type": "application/octet-stream" } },
  );
}

/** `/subtree/:hash`: the node hashes, 32 bytes each, as the asset server sends them. */
async function subtreeNodes(raw: string): Promise<Response> {
  let hash: Uint8Array;
  try {
    hash = parseHash(raw);
  } catch (error) {
    return new Response(String(error), { status: 400 });
  }
  if (!(await blobs.exists(hash, "subtree"))) return new Response("subtree not found", { status: 404 });
  const path = blobs.path(hash, "subtree");
  const { count } = await readSubtreeFileHead(path);
  const body = new Uint8Array(count * 32);
  let at = 0;
  for await (const batch of readSubtreeFileNodeHashes(path, count)) {
    for (const node of batch) {
      body.set(node, at);
      at += 32;
    }
  }
  return new Response(body, { headers: { "content-type": "application/octet-stream" } });
}

function fileResponse(path: string): Response {
  const file = Bun.file(path);
  counts.bytes += Math.max(0, file.size - HEADER_BYTES);
  return new Response(file.slice(HEADER_BYTES), { headers: { "content-type": "application/octet-stream" } });
}

function metricsText(): string {
  const created = "teranode_asset_repository_subtree_data_created_total";
  return [
    `${created}{source="on_demand_created"} ${counts.ok}`,
    `${created}{source="write_failed"} ${counts.failed}`,
    `${created}{source="client_gone"} ${counts.gone}`,
    `subtreekit_asset_builds_in_flight ${counts.started - counts.ok - counts.failed - counts.gone}`,
    `subtreekit_asset_bytes_streamed_total ${counts.bytes}`,
    "",
  ].join("\n");
}
