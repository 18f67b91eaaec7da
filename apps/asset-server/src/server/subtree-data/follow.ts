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
  try {
    permit = await acquireReader(ctx, signal);
  } catch (error) {
    leave();
    throw error;
  }
  ctx.metrics.createdInc("followed");
  log.outcome = "followed";
  return streamBuild(ctx, build, log, signal, "follower", () => {
    leave();
    permit?.release();
  });
}

/**
 * Streams `build`'s file to one client (the request that started the build, or a follower) as
 * the build writes it. `done` runs once when this reader is finished, however it ends. A failure
 * before the first byte reports the build's own error (e.g. missing txs → 500 with a count), not
 * this reader's echo of it; after the first byte it aborts the connection.
 */
export function streamBuild(
  ctx: ServerContext,
  build: SubtreeDataBuild,
  log: RequestLog,
  signal: AbortSignal,
  source: "build" | "follower",
  done: () => void,
): Promise<Response> {
  const stop = new AbortController();
  let finished = false;
  const cleanup = () => {
    if (finished) return;
    finished = true;
    stop.abort(new Error("reader done"));
    done();
  };
  const reader = build.sink.follow({ signal: stop.signal }).getReader();
  const next = async (): Promise<Uint8Array | null> => {
    try {
      const r = await reader.read();
      if (r.done) return null;
      build.bytesToReaders += r.value.length;
      return r.value;
    } catch (error) {
      const out = await build.done;
      if (out.ok) throw error;
      if (out.reason === "client_gone" || out.reason === "shutdown") {
        throw new AssetHttpError("UNAVAILABLE", "the build this request read was cancelled; retry", {
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
      streamEnded(ctx, log, source, end);
    },
    active: ctx.active,
    signal,
  });
}
