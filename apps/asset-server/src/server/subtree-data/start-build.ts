import { unlink } from "node:fs/promises";
import type { Permit } from "@subtreekit/semaphore";
import { readSubtreeFileHead, readSubtreeFileNodeHashes } from "@subtreekit/subtree-stream/bun";
import type { ServerContext } from "../context.ts";
import type { BlobType } from "../ports.ts";
import { SubtreeDataBuild } from "./build.ts";
import { BuildAbortedError } from "./build-errors.ts";
import { type Claim, publishedFile } from "./build-registry.ts";
import { buildChunking } from "./chunking.ts";

/**
 * Starts the on-demand build of `hash` under `permit` and `claim`; from the moment it resolves,
 * the build owns both and gives them back when it settles. If it cannot start (the subtree or the
 * temp file cannot be opened, or a file was published meanwhile) both are given back here and the
 * error is thrown; the claim's waiting readers get the same outcome.
 */
export async function startBuild(
  ctx: ServerContext,
  hash: Uint8Array,
  hex: string,
  subtree: BlobType,
  permit: Permit,
  claim: Claim,
): Promise<SubtreeDataBuild> {
  const acquiredAt = performance.now();
  // The permit is taken: from here until it is released is what the retry policy learns.
  ctx.retry.started(hex);
  const s = ctx.settings;
  const subtreePath = ctx.blobs.path(hash, subtree);
  const finalPath = ctx.blobs.path(hash, "subtreeData");
  const dah = ctx.height.current + s.global_blockHeightRetention;
  let count: number;
  let sink: Awaited<ReturnType<typeof ctx.blobs.createWriter>>;
  try {
    ({ count } = await readSubtreeFileHead(subtreePath));
    sink = await ctx.blobs.createWriter(
      hash,
      "subtreeData",
      claim.tempName ? { dah, tempName: claim.tempName(finalPath) } : { dah },
    );
  } catch (error) {
    ctx.retry.ended(hex, false);
    permit.release();
    ctx.metrics.createdInc(isFileExists(error) ? "file_existed" : "creation_failed");
    claim.failed(error, isFileExists(error) ? publishedFile(finalPath) : undefined);
    claim.release();
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
    // Readers on other replicas are invisible here: a shared build completes the file.
    finishOnDisconnect: s.asset_subtree_data_finish_on_disconnect || claim.shared,
    retryAfterS: s.asset_subtree_data_retry_after_s,
    // The .dah went down first (a crash still leaves a finite lifetime); unpublished, it is an orphan.
    afterUnpublished: () => removeOwnDah(finalPath, dah),
    onSettled: (out) => {
      ctx.retry.ended(hex, out.ok && !out.superseded);
      claim.release();
      if (out.ok) ctx.metrics.createdInc(out.superseded ? "file_existed" : "on_demand_created");
      else
        ctx.metrics.createdInc(
          out.reason === "client_gone" ? "client_gone" : out.reason === "lease_lost" ? "lease_lost" : "write_failed",
        );
      const fields = {
        hash: hex,
        // How long the create permit was held, and the part of it that was not the build proper.
        ms: Math.round(performance.now() - acquiredAt),
        setupMs: Math.round(startedAt - acquiredAt),
        ...(out.ok
          ? { txs: out.txs, bytes: out.bytes, commitMs: out.commitMs, superseded: out.superseded }
          : { reason: out.reason, err: String(out.error) }),
      };
      if (out.ok || out.reason === "client_gone") ctx.logger.info(fields, "subtree_data build ended");
      else ctx.logger.warn(fields, "subtree_data build failed");
    },
  });
  const onLost = () =>
    build.abort(new BuildAbortedError("LEASE_LOST", `the build lock of ${hex} was lost: another replica may build it`));
  if (claim.lost.aborted) onLost();
  else claim.lost.addEventListener("abort", onLost, { once: true });
  claim.started(build);
  // Its pace tells rejected peers when a permit should be free.
  ctx.retry.progress(hex, () => build.progress);
  return build;
}

function isFileExists(error: unknown): boolean {
  return (error as Error | undefined)?.name === "FileExistsError";
}

/** Removes `<final>.dah` if it still records our height: another writer's retention is left alone. */
async function removeOwnDah(finalPath: string, dah: number): Promise<void> {
  const path = `${finalPath}.dah`;
  const text = await Bun.file(path)
    .text()
    .catch(() => undefined);
  if (text !== undefined && text.trim() === String(dah)) await unlink(path).catch(() => {});
}
