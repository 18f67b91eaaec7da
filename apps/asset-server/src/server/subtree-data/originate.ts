import { unlink } from "node:fs/promises";
import type { Permit } from "@subtreekit/semaphore";
import { readSubtreeFileHead, readSubtreeFileNodeHashes } from "@subtreekit/subtree-stream/bun";
import type { ServerContext } from "../context.ts";
import { AssetHttpError } from "../errors.ts";
import type { BlobType } from "../ports.ts";
import type { RequestLog } from "../request-log.ts";
import type { BuildLease } from "../scale-out/build-lease.ts";
import { SubtreeDataBuild } from "./build.ts";
import type { BuildSlot } from "./build-slot.ts";
import { buildChunking } from "./chunking.ts";
import { countMissingTxs } from "./count-missing.ts";
import { streamBuild } from "./follow.ts";

/**
 * Starts an on-demand build holding `permit` (from then on the build owns it and releases it when
 * it settles) and answers with its body. `slot` is already registered; it learns the build. `createWriter` may throw `FileExistsError` (a file
 * appeared since the `exists` check): then the permit is still the caller's.
 */
export async function originateBuild(
  ctx: ServerContext,
  hash: Uint8Array,
  hex: string,
  subtreeType: BlobType,
  permit: Permit,
  slot: BuildSlot,
  log: RequestLog,
  signal: AbortSignal,
  /** Scale-out: the build lock; the temp file takes its name, and it is released when the build settles. */
  lease?: BuildLease,
): Promise<Response> {
  const acquiredAt = performance.now();
  // The permit is taken: from here until it is released is what the retry schedule learns.
  ctx.retry.started(hex);
  const subtreePath = ctx.blobs.path(hash, subtreeType);
  const s = ctx.settings;
  const dah = ctx.height.current + s.global_blockHeightRetention;
  let count: number;
  let sink: Awaited<ReturnType<typeof ctx.blobs.createWriter>>;
  try {
    ({ count } = await readSubtreeFileHead(subtreePath));
    const finalPath = ctx.blobs.path(hash, "subtreeData");
    sink = await ctx.blobs.createWriter(
      hash,
      "subtreeData",
      lease ? { dah, tempName: lease.tempName(finalPath) } : { dah },
    );
  } catch (error) {
    ctx.retry.ended(hex, false);
    void lease?.release();
    throw error;
  }
  const startedAt = performance.now();
  const build = new SubtreeDataBuild({
    hex,
    nodes: readSubtreeFileNodeHashes(subtreePath, count, {
      batch: Math.min(s.asset_subtreeDataStreamingChunkSize, 8192),
    }),
    source: ctx.txs,
    sink,
    permit,
    ...buildChunking(s),
    concurrency: s.asset_subtreeDataStreamingConcurrency,
    count,
    // Replicas following this build from the shared directory are invisible here: with a lease,
    // the last local reader leaving must not cut them off, so the build completes the file.
    finishOnDisconnect: s.asset_subtree_data_finish_on_disconnect || lease !== undefined,
    // The .dah was written first (a crash still leaves a finite lifetime); with no file
    // published it would be an orphan. Awaited before the permit is released.
    afterAbort: () => removeOrphanDah(ctx.blobs.path(hash, "subtreeData")),
    onSettled: (out) => {
      ctx.retry.ended(hex, out.ok);
      // After commit (or abort): a replica that takes the lock next finds the final file.
      void lease?.release();
      if (ctx.builds.get(hex) === slot) ctx.builds.delete(hex);
      if (out.ok) ctx.metrics.createdInc("on_demand_created");
      else ctx.metrics.createdInc(out.reason === "client_gone" ? "client_gone" : "write_failed");
      const fields = {
        hash: hex,
        // How long the create permit was held, and the parts of it that were not the build proper.
        ms: Math.round(performance.now() - acquiredAt),
        setupMs: Math.round(startedAt - acquiredAt),
        ...(out.ok
          ? { txs: out.txs, bytes: out.bytes, commitMs: out.commitMs }
          : { reason: out.reason, err: String(out.error) }),
      };
      if (out.ok || out.reason === "client_gone") ctx.logger.info(fields, "subtree_data build ended");
      else ctx.logger.warn(fields, "subtree_data build failed");
    },
  });
  slot.started(build);
  // Its pace tells rejected peers when a permit should be free (retry-schedule.ts).
  ctx.retry.progress(hex, () => build.progress);
  const leave = build.join("origin");
  log.outcome = "built";
  log.defer();
  try {
    // The requester reads the file like any follower: the build never waits for it (build.ts).
    return await streamBuild(ctx, build, log, signal, "build", leave);
  } catch (error) {
    // Failed before the first byte: the status goes out now, so the log line is not deferred.
    await build.done;
    if ((error as Error | undefined)?.name === "MissingTxError") {
      const missing = await countMissingTxs(ctx.txs, subtreePath, count, { signal }).catch(() => undefined);
      if (missing !== undefined) {
        throw new AssetHttpError(
          "INTERNAL",
          `${missing} of the ${count} transactions of subtree ${hex} are missing from the tx store`,
          { cause: error },
        );
      }
    }
    throw error;
  }
}

async function removeOrphanDah(finalPath: string): Promise<void> {
  if (await Bun.file(finalPath).exists()) return;
  await unlink(`${finalPath}.dah`).catch(() => {});
}
