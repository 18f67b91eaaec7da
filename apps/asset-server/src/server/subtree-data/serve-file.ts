import { statSync } from "node:fs";
import type { ServerContext } from "../context.ts";
import { AssetHttpError } from "../errors.ts";
import type { RequestLog } from "../request-log.ts";
import { acquireReader } from "./reader-permit.ts";

const HEADER_BYTES = 8;

/**
 * Fast path: an existing subtree_data file, served as `Bun.file(path).slice(8)` (the 8-byte magic
 * skipped). The runtime sends it with sendfile and keeps `Content-Length`, at ~0.1–0.2 s CPU per
 * GiB against ~1 s for a JS stream (ENGINEERING.md), so existing files never go through JS.
 *
 * Reader permit: acquired (blocking, `asset_semaphore_timeout_ms` → 503) before the file is
 * opened and released when the response is handed to the runtime. A file response holds no JS
 * memory and Bun exposes no completion hook for it, so the permit bounds how many file
 * responses are being *set up* at once (stat, open, queueing behind a storm) rather than how
 * many are on the wire; exact on-the-wire accounting would need a JS stream and cost 5–10× the
 * CPU per byte, which is the resource the permit exists to protect. Sockets still bound the
 * bytes in flight, and `idleTimeout` closes connections that stop reading.
 */
export async function serveExistingFile(
  ctx: ServerContext,
  hash: Uint8Array,
  log: RequestLog,
  signal: AbortSignal,
  known?: number,
): Promise<Response> {
  const permit = await acquireReader(ctx, signal);
  try {
    const path = ctx.blobs.path(hash, "subtreeData");
    const fileSize = known ?? sizeOf(path);
    // Pruned between the check and here: answer as if it never existed.
    if (fileSize < 0) throw new AssetHttpError("NOT_FOUND", "subtree data not found");
    const file = Bun.file(path);
    const size = fileSize - HEADER_BYTES;
    if (size <= 0) throw new AssetHttpError("INTERNAL", "subtree data file is empty");
    log.outcome = "file";
    ctx.metrics.bytesStreamed.inc({ source: "file" }, size);
    return new Response(file.slice(HEADER_BYTES), {
      status: 200,
      headers: { "content-type": "application/octet-stream", "content-length": String(size) },
    });
  } finally {
    permit.release();
  }
}

/**
 * File size, or -1 when absent: one `stat` answers both "exists?" and "how big?". Sync on
 * purpose: a cached-dentry stat costs ~1 µs, less than the thread-pool round trip of an async one.
 */
export function sizeOf(path: string): number {
  return statSync(path, { throwIfNoEntry: false })?.size ?? -1;
}
