import type { Permit } from "@subtreekit/semaphore";
import { readSubtreeFileHead } from "@subtreekit/subtree-stream/bun";
import { classify } from "../classify.ts";
import type { ServerContext } from "../context.ts";
import { AssetHttpError } from "../errors.ts";
import type { BlobType } from "../ports.ts";
import type { RequestLog } from "../request-log.ts";
import { peekedResponse } from "../stream-response.ts";
import { admit, type Decision, type Target } from "./admit.ts";
import { BuildGoneError } from "./build-errors.ts";
import type { BuildReader } from "./build-registry.ts";
import { countMissingTxs } from "./count-missing.ts";
import { startBuild } from "./start-build.ts";

const HEADER_BYTES = 8;
const OCTET = { "content-type": "application/octet-stream" } as const;
/** The 503 body's length: its message is fixed but for the 64-char hash (ASCII). */
export const REJECT_BYTES = rejectBody("0".repeat(64)).length;

function rejectBody(hex: string): string {
  return `{"message":"on-demand subtree data creation at capacity for ${hex}; retry later"}`;
}

/**
 * Turns an admission decision into the response. Existing files and followers hold a reader
 * permit (blocking with a timeout → 503); a build holds the create permit `admit` took. Every
 * failure before the first body byte is a real status; after it the connection is aborted.
 */
export async function respond(
  ctx: ServerContext,
  t: Target,
  d: Decision,
  log: RequestLog,
  /** The request: its `signal` is read only where needed (see the route). */
  client: { readonly signal: AbortSignal },
  /** Set on the one re-admission after the state changed under the decision (a followed build died before its first byte, or a file was published during a build's setup). */
  again = false,
): Promise<Response> {
  const { hash, hex } = t;
  switch (d.kind) {
    case "notFound":
      throw new AssetHttpError("NOT_FOUND", `subtree ${hex} not found`);
    case "reject":
      log.outcome = "rejected";
      if (d.why === "shutdown") {
        throw new AssetHttpError("UNAVAILABLE", "server is shutting down; retry later", { retryAfterS: d.retryAfterS });
      }
      return rejectResponse(ctx, hex, d.retryAfterS);
    case "file": {
      const permit = await acquireReader(ctx, client.signal);
      try {
        return fileResponse(ctx, hash, d.size, log);
      } finally {
        permit.release();
      }
    }
    case "follow": {
      // Joined before the permit wait, so the build is not stopped for lack of readers meanwhile.
      const reader = d.build.open();
      let permit: Permit;
      try {
        permit = await acquireReader(ctx, client.signal);
      } catch (error) {
        reader.close();
        throw error;
      }
      ctx.metrics.createdInc(d.build.kind);
      log.outcome = d.build.kind;
      try {
        return await streamBody(
          ctx,
          reader,
          log,
          client.signal,
          d.build.kind === "followed" ? "follower" : "remote",
          () => permit.release(),
        );
      } catch (error) {
        // Its builder died before this request got a byte: the subtree is free, decide once more.
        if (!(error instanceof BuildGoneError) || again) throw error;
        return respond(ctx, t, await admit(ctx, t, client), log, client, true);
      }
    }
    case "build": {
      let build: Awaited<ReturnType<typeof startBuild>>;
      try {
        build = await startBuild(ctx, hash, hex, d.subtree, d.permit, d.claim);
      } catch (error) {
        if ((error as Error | undefined)?.name !== "FileExistsError") {
          t.subtree = undefined; // e.g. pruned since it was seen: look again next time
          throw error;
        }
        // Published by another process since `admit` looked: decide once more (its header is checked).
        if (again) throw error;
        return respond(ctx, t, await admit(ctx, t, client), log, client, true);
      }
      log.outcome = "built";
      try {
        return await streamBody(ctx, build.open("origin"), log, client.signal, "build", () => {});
      } catch (error) {
        await build.done;
        throw await withMissingCount(ctx, hash, hex, d.subtree, error, client.signal);
      }
    }
  }
}

/**
 * The 503 of a full create cap, built without an Error object (no stack capture): a storm of
 * rejected requests must cost little more than a constant 503. The headers are built once per
 * value: copying a `Headers` into a Response costs about half of converting a plain object.
 */
export function rejectResponse(ctx: ServerContext, hex: string, retryAfterS: number): Response {
  let init = ctx.rejectInits.get(retryAfterS);
  if (!init) {
    const headers = new Headers({
      "content-type": "application/json",
      "content-length": String(REJECT_BYTES),
      "retry-after": String(retryAfterS),
    });
    ctx.rejectInits.set(retryAfterS, (init = { status: 503, headers }));
  }
  return new Response(rejectBody(hex), init);
}

/** Blocking reader permit with `asset_semaphore_timeout_ms`; a timeout becomes 503 + Retry-After. */
async function acquireReader(ctx: ServerContext, signal: AbortSignal): Promise<Permit> {
  try {
    return await ctx.readerSem.acquire(1, { signal, timeoutMs: ctx.settings.asset_semaphore_timeout_ms });
  } catch (error) {
    throw classify(error, ctx.settings.asset_subtree_data_retry_after_s);
  }
}

/**
 * An existing file, as `Bun.file(path).slice(8)`: the runtime sends it with sendfile and keeps
 * `Content-Length`, far cheaper per byte than a JS stream (ENGINEERING.md). Bun has no completion
 * hook for a file response, so the reader permit bounds how many are being set up at once.
 */
function fileResponse(ctx: ServerContext, hash: Uint8Array, known: number, log: RequestLog): Response {
  const path = ctx.blobs.path(hash, "subtreeData");
  const file = Bun.file(path);
  const size = (known >= 0 ? known : file.size) - HEADER_BYTES;
  if (size <= 0) throw new AssetHttpError("INTERNAL", `subtree data file ${path} holds no transactions`);
  log.outcome = "file";
  ctx.metrics.bytesStreamed.inc({ source: "file" }, size);
  return new Response(file.slice(HEADER_BYTES), {
    status: 200,
    headers: { ...OCTET, "content-length": String(size) },
  });
}

/** A build's body to one client; `done` runs once when this reader is finished, however it ends. */
async function streamBody(
  ctx: ServerContext,
  reader: BuildReader,
  log: RequestLog,
  signal: AbortSignal,
  source: "build" | "follower" | "remote",
  done: () => void,
): Promise<Response> {
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    reader.close();
    done();
  };
  // Deferred only once the status line is certain: a failure before it is logged by the route.
  const res = await peekedResponse({
    next: () => reader.next(),
    headers: OCTET,
    empty: () => new AssetHttpError("NOT_FOUND", "subtree has no transactions to serve"),
    cancel: finish,
    onEnd: (end) => {
      finish();
      ctx.metrics.bytesStreamed.inc({ source }, end.bytes);
      ctx.metrics.http("get_subtree_data", end.outcome === "ok" ? 200 : 500, "Internal Server Error");
      // A clean end keeps how it was served (built, followed); otherwise say how it ended.
      log.end(200, end.bytes, end.outcome === "ok" ? log.outcome : end.outcome, end.error);
    },
    active: ctx.active,
    signal,
  });
  log.defer();
  return res;
}

/** The writer stops at the first chunk with a gap; a build that failed before its first byte says how many txs are missing. */
async function withMissingCount(
  ctx: ServerContext,
  hash: Uint8Array,
  hex: string,
  subtree: BlobType,
  error: unknown,
  signal: AbortSignal,
): Promise<unknown> {
  if ((error as Error | undefined)?.name !== "MissingTxError") return error;
  const path = ctx.blobs.path(hash, subtree);
  try {
    const { count } = await readSubtreeFileHead(path, { signal });
    const missing = await countMissingTxs(ctx.txs, path, count, { signal });
    return new AssetHttpError(
      "INTERNAL",
      `${missing} of the ${count} transactions of subtree ${hex} are missing from the tx store`,
      { cause: error },
    );
  } catch {
    return error;
  }
}
