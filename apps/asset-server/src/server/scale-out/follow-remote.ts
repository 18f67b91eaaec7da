import { dirname, join } from "node:path";
import { FollowError, followFile, pollingFollowable } from "@subtreekit/subtree-stream/bun";
import type { ServerContext } from "../context.ts";
import { AssetHttpError } from "../errors.ts";
import type { RequestLog } from "../request-log.ts";
import { peekedResponse } from "../stream-response.ts";
import { acquireReader } from "../subtree-data/reader-permit.ts";
import { OCTET, streamEnded } from "../subtree-data/stream-end.ts";
import type { BuildCoordinator } from "./coordinator.ts";
import { leaseTempName } from "./lease-temp-name.ts";
import { isRestart, ScaleOutError } from "./scale-out-error.ts";

/**
 * A request for a subtree another replica is building (its session `pid` holds the lock): no
 * create permit, only a reader permit, while it streams that replica's file from the shared
 * directory (DESIGN.md "Scale-out").
 *
 * Resolves to `undefined` when the caller must decide again before any byte went out: the builder
 * died (the caller may take over) or the file was published (the caller serves it). A follow that
 * makes no progress for `asset_follow_remote_timeout_ms` is a 503 + Retry-After before the first
 * byte; after it, any failure aborts the connection (never a clean, short end).
 */
export async function followRemoteBuild(
  ctx: ServerContext,
  coordinator: BuildCoordinator,
  hash: Uint8Array,
  hex: string,
  pid: number,
  log: RequestLog,
  signal: AbortSignal,
): Promise<Response | undefined> {
  const retryAfterS = ctx.settings.asset_subtree_data_retry_after_s;
  const permit = await acquireReader(ctx, signal);
  const finalPath = ctx.blobs.path(hash, "subtreeData");
  const stop = new AbortController();
  const onClientAbort = () => stop.abort(signal.reason);
  signal.addEventListener("abort", onClientAbort, { once: true });
  // The package follows the builder's file (temp as it grows, then the final file); the app only
  // says who the builder is and turns the package's errors into its own.
  const source = pollingFollowable({
    finalPath,
    tempPath: join(dirname(finalPath), leaseTempName(finalPath, pid)),
    headerBytes: 8, // the blob's magic
    writerAlive: async () => (await coordinator.holder(hash)) === pid,
    idleTimeoutMs: coordinator.followTimeoutMs,
    pollMs: coordinator.pollMs,
    signal: stop.signal,
  });
  const reader = followFile(source, { signal: stop.signal }).getReader();
  let released = false;
  const cleanup = () => {
    if (released) return;
    released = true;
    signal.removeEventListener("abort", onClientAbort);
    stop.abort(new Error("remote follower done"));
    void reader.cancel().catch(() => {});
    permit.release();
  };
  let sent = false;
  const next = async (): Promise<Uint8Array | null> => {
    try {
      const { done, value } = await reader.read();
      // Published before the builder was seen making progress: the caller serves the file itself.
      if (!sent && source.startedFrom === "final")
        throw new ScaleOutError("FILE_PUBLISHED", "the subtree data was published");
      sent = true;
      return done ? null : value;
    } catch (error) {
      const e = asScaleOutError(error, coordinator.followTimeoutMs);
      // Whatever this build's fate, the hint that it runs elsewhere is stale now.
      if (e instanceof ScaleOutError) coordinator.remote.forget(hex, pid);
      throw e;
    }
  };
  let res: Response;
  try {
    res = await peekedResponse({
      next,
      headers: OCTET,
      empty: () => new AssetHttpError("NOT_FOUND", "subtree has no transactions to serve"),
      cancel: () => cleanup(),
      onEnd: (end) => {
        cleanup();
        if (end.outcome === "ok") coordinator.remote.forget(hex, pid);
        streamEnded(ctx, log, "remote", end);
      },
      active: ctx.active,
      signal,
    });
  } catch (error) {
    cleanup();
    if (isRestart(error)) return undefined;
    if (error instanceof ScaleOutError) {
      throw new AssetHttpError("UNAVAILABLE", `subtree data ${hex} is being built elsewhere: ${error.message}; retry`, {
        cause: error,
        retryAfterS,
      });
    }
    throw error;
  }
  ctx.metrics.createdInc("followed_remote");
  log.outcome = "followed_remote";
  log.defer();
  return res;
}

/** The package's follow errors as the app's, so callers (`isRestart`) stay as they were. */
function asScaleOutError(error: unknown, timeoutMs: number): unknown {
  if (!(error instanceof FollowError)) return error;
  return error.code === "WRITER_GONE"
    ? new ScaleOutError("BUILDER_GONE", "the replica building this subtree stopped before publishing it", {
        cause: error,
      })
    : new ScaleOutError("FOLLOW_TIMEOUT", `no progress from the replica building this subtree for ${timeoutMs} ms`, {
        cause: error,
      });
}
