import type { Permit } from "@subtreekit/semaphore";
import { writeSubtreeData } from "@subtreekit/subtree-stream";
import { readSubtreeFileHead, readSubtreeFileNodeHashes } from "@subtreekit/subtree-stream/bun";
import { type ModelBlock, varintBytes } from "../block-model.ts";
import type { ServerContext } from "../context.ts";
import { AssetHttpError } from "../errors.ts";
import type { RequestLog } from "../request-log.ts";
import { peekedResponse } from "../stream-response.ts";
import { BodyChannel } from "../subtree-data/body-channel.ts";
import { buildChunking } from "../subtree-data/chunking.ts";
import { writeDataFileTxs } from "./data-file-txs.ts";

const MAGIC = Uint8Array.of(0xf9, 0xbe, 0xb4, 0xd9);

/**
 * Streams a legacy (wire) block: `[F9BEB4D9 | u32 size]` + header + varint txCount + coinbase +
 * every subtree's txs in standard form — from its subtree_data file when there is one (a
 * coinbase found in subtree 0's file is skipped), else through the same ordered writer as
 * on-demand builds. Those builds hold memory, so a block that needs any takes one create permit
 * (tryAcquire, none → 503) for the whole stream. The prefix size reproduces the reference's
 * formula `sizeInBytes + 80 + len(varint(txCount))` byte for byte (spec §2.8; it overstates).
 */
export async function legacyBlockResponse(
  ctx: ServerContext,
  block: ModelBlock,
  withPrefix: boolean,
  log: RequestLog,
  signal: AbortSignal,
): Promise<Response> {
  const sources: ("data" | "subtree" | "subtreeToCheck")[] = [];
  for (const st of block.subtrees) {
    if (await ctx.blobs.exists(st, "subtreeData")) sources.push("data");
    else if (await ctx.blobs.exists(st, "subtree")) sources.push("subtree");
    else if (await ctx.blobs.exists(st, "subtreeToCheck")) sources.push("subtreeToCheck");
    else throw new AssetHttpError("NOT_FOUND", `subtree ${block.subtrees.indexOf(st)} of the block not found`);
  }
  let permit: Permit | undefined;
  if (sources.some((s) => s !== "data")) {
    permit = ctx.createSem.tryAcquire();
    if (!permit) {
      throw new AssetHttpError("UNAVAILABLE", "on-demand subtree data creation at capacity; retry later", {
        retryAfterS: ctx.settings.asset_subtree_data_retry_after_s,
      });
    }
  }
  const channel = new BodyChannel();
  const stop = new AbortController();
  const produce = async () => {
    const w = (b: Uint8Array) => channel.write(b);
    if (withPrefix) {
      const head = new Uint8Array(8);
      head.set(MAGIC);
      const size = block.sizeInBytes + 80 + varintBytes(block.txCount).length;
      new DataView(head.buffer).setUint32(4, size >>> 0, true);
      await w(head);
    }
    await w(block.header);
    await w(varintBytes(block.txCount));
    await w(block.coinbase);
    for (let i = 0; i < block.subtrees.length; i++) {
      const st = block.subtrees[i]!;
      const src = sources[i]!;
      if (src === "data") {
        await writeDataFileTxs(ctx.blobs.path(st, "subtreeData"), i === 0, w, stop.signal);
        continue;
      }
      const path = ctx.blobs.path(st, src);
      const { count } = await readSubtreeFileHead(path);
      await writeSubtreeData({
        nodes: readSubtreeFileNodeHashes(path, count),
        source: ctx.txs,
        sink: channel,
        ...buildChunking(ctx.settings),
        concurrency: ctx.settings.asset_subtreeDataStreamingConcurrency,
        signal: stop.signal,
      }).catch((e) => {
        // A subtree holding only the placeholder adds no txs: fine inside a block.
        if ((e as Error).name !== "EmptySubtreeDataError") throw e;
      });
    }
  };
  const done = produce()
    .then(() => channel.end())
    .catch((e) => channel.fail(e))
    .finally(() => permit?.release());
  log.defer();
  try {
    return await peekedResponse({
      next: () => channel.next(),
      headers: { "content-type": "application/octet-stream" },
      empty: () => new AssetHttpError("INTERNAL", "empty block"),
      cancel: (reason) => {
        stop.abort(reason);
        channel.detach();
      },
      onEnd: (end) => {
        ctx.metrics.http("get_block_legacy", end.outcome === "ok" ? 200 : 500, "Internal Server Error");
        log.end(200, end.bytes, end.outcome, end.error);
      },
      active: ctx.active,
      signal,
    });
  } catch (error) {
    await done;
    throw error;
  }
}
