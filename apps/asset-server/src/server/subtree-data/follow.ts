import type { ServerContext } from "../context.ts";
import { AssetHttpError } from "../errors.ts";
import type { RequestLog } from "../request-log.ts";
import { peekedResponse } from "../stream-response.ts";
import type { SubtreeDataBuild } from "./build.ts";
import { acquireReader } from "./reader-permit.ts";
import { OCTET, streamEnded } from "./stream-end.ts";

/**
 * A request for a subtree whose build is in flight here: no create permit, only a reader permit.
 * It reads the build's temp file from offset 0 as it grows, then the final file (DESIGN.md
 * "Followers"). It joins the build *before* waiting for its reader permit, so the build is not
 * cancelled for lack of readers while this request queues.
 */
export async function followBuild(
  ctx: ServerContext,
  build: SubtreeDataBuild,
  log: RequestLog,
  signal: AbortSignal,
): Promise<Response> {
  const leave = build.join("follower");
  let permit: { release(): void } | undefined;
  const stop = new AbortController();
  const cleanup = () => {
    stop.abort(new Error("follower done"));
    leave();
    permit?.release();
  };
  try {
    permit = await acquireReader(ctx, signal);
  } catch (error) {
    cleanup();
    throw error;
  }
  ctx.metrics.createdInc("followed");
  log.outcome = "followed";
  const reader = build.sink.follow({ signal: stop.signal }).getReader();
  const next = async (): Promise<Uint8Array | null> => {
    try {
      const r = await reader.read();
      return r.done ? null : r.value;
    } catch (error) {
      // Report the build's own failure (e.g. missing txs → 500 with a count), not the follower's echo of it.
      const out = await build.done;
      if (out.ok) throw error;
      if (out.reason === "client_gone" || out.reason === "shutdown") {
        throw new AssetHttpError("UNAVAILABLE", "the build this request followed was cancelled; retry", {
          cause: out.error,
          retryAfterS: ctx.settings.asset_subtree_data_retry_after_s,
        });
      }
      throw out.error;
    }
  };
  log.defer();
  return peekedResponse({
    next,
    headers: OCTET,
    empty: () => new AssetHttpError("NOT_FOUND", "subtree has no transactions to serve"),
    cancel: (reason) => {
      reader.cancel(reason).catch(() => {});
      cleanup();
    },
    onEnd: (end) => {
      cleanup();
      streamEnded(ctx, log, "follower", end);
    },
    active: ctx.active,
    signal,
  });
}
