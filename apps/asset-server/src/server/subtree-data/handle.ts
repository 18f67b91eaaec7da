import { toDisplayHex } from "@subtreekit/subtree-stream";
import { classify } from "../classify.ts";
import type { ServerContext } from "../context.ts";
import { AssetHttpError, STATUS_TEXT } from "../errors.ts";
import type { BlobType } from "../ports.ts";
import type { RequestLog } from "../request-log.ts";
import { followBuild } from "./follow.ts";
import { originateBuild } from "./originate.ts";
import { serveExistingFile } from "./serve-file.ts";

/**
 * `GET /subtree_data/:hash`, in DESIGN.md's order: existing file (reader permit) → 404 when no
 * subtree → follow a build in flight here → tryAcquire a create permit (none → 503 at once, no
 * queue) → build. Each branch's failure before the first body byte is a real status.
 */
export async function handleSubtreeData(
  ctx: ServerContext,
  hash: Uint8Array,
  log: RequestLog,
  signal: AbortSignal,
): Promise<Response> {
  const retryAfterS = ctx.settings.asset_subtree_data_retry_after_s;
  try {
    if (ctx.closing) throw new AssetHttpError("UNAVAILABLE", "server is shutting down; retry later", { retryAfterS });
    const res = await decide(ctx, hash, log, signal);
    if (!log.deferred) ctx.metrics.http("get_subtree_data", 200, "200");
    return res;
  } catch (error) {
    const e = classify(error, retryAfterS);
    ctx.metrics.http("get_subtree_data", e.status, STATUS_TEXT[e.status] ?? String(e.status));
    throw e;
  }
}

async function decide(ctx: ServerContext, hash: Uint8Array, log: RequestLog, signal: AbortSignal): Promise<Response> {
  if (await ctx.blobs.exists(hash, "subtreeData")) return serveExistingFile(ctx, hash, log, signal);
  const subtreeType = await subtreeTypeOf(ctx, hash);
  if (subtreeType === undefined) throw new AssetHttpError("NOT_FOUND", `subtree ${toDisplayHex(hash)} not found`);
  const hex = toDisplayHex(hash);
  const inFlight = ctx.builds.get(hex);
  if (inFlight) return followBuild(ctx, inFlight, log, signal);
  const permit = ctx.createSem.tryAcquire();
  if (!permit) {
    log.outcome = "rejected";
    throw new AssetHttpError("UNAVAILABLE", `on-demand subtree data creation at capacity for ${hex}; retry later`, {
      retryAfterS: ctx.settings.asset_subtree_data_retry_after_s,
    });
  }
  try {
    return await originateBuild(ctx, hash, hex, subtreeType, permit, log, signal);
  } catch (error) {
    // Before the build took the permit over (`createWriter` failed): release it here. A build
    // that started releases it itself; release is idempotent, so this never double-counts.
    if (ctx.builds.get(hex) === undefined && !permit.released) {
      permit.release();
      if ((error as Error)?.name === "FileExistsError") {
        ctx.metrics.createdInc("file_existed");
        return serveExistingFile(ctx, hash, log, signal);
      }
      ctx.metrics.createdInc("creation_failed");
    }
    throw error;
  }
}

/** Which stored form of the subtree the build reads (`subtree`, else `subtreeToCheck`). */
async function subtreeTypeOf(ctx: ServerContext, hash: Uint8Array): Promise<BlobType | undefined> {
  if (await ctx.blobs.exists(hash, "subtree")) return "subtree";
  if (await ctx.blobs.exists(hash, "subtreeToCheck")) return "subtreeToCheck";
  return undefined;
}
