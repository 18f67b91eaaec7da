import { existsSync } from "node:fs";
import {
  encodeWireBlockHead,
  isCoinbase,
  type ModelBlock,
  readTxsBatches,
  toDisplayHex,
  toStandardBytes,
} from "@subtreekit/subtree-stream";
import type { ServerContext } from "../context.ts";
import { AssetHttpError } from "../errors.ts";
import type { RequestLog } from "../request-log.ts";
import { peekedResponse } from "../stream-response.ts";
import { admit, type Decision, type Target, targetOf } from "../subtree-data/admit.ts";
import { type BuildReader, publishedFile } from "../subtree-data/build-registry.ts";
import { startBuild } from "../subtree-data/start-build.ts";
import { unvalidatedOnly, usableSubtree } from "../subtree-data/stored-subtree.ts";

/**
 * A legacy (wire) block: `[F9BEB4D9 | u32 size]` + header + varint txCount + coinbase + every
 * subtree's txs in standard form. Each subtree comes through the same admission as
 * `subtree_data`: its file, or a build in flight (followed), or a new build under a create
 * permit. Builds write their files at the tx store's pace and this response reads them, so a slow
 * client never holds a create permit. The prefix (subtree-stream's `encodeWireBlockHead`) reproduces the reference's formula
 * `sizeInBytes + 80 + len(varint(txCount))` byte for byte (spec §2.8; it overstates).
 */
export async function legacyBlockResponse(
  ctx: ServerContext,
  block: ModelBlock,
  withPrefix: boolean,
  log: RequestLog,
  client: { readonly signal: AbortSignal },
): Promise<Response> {
  const targets = block.subtrees.map((st, i) => {
    const t = targetOf(ctx, toDisplayHex(st));
    if (unvalidatedOnly(ctx, t) || (!existsSync(t.dataPath) && usableSubtree(ctx, t) === undefined)) {
      throw new AssetHttpError("NOT_FOUND", `subtree ${i} of the block not found`);
    }
    return t;
  });
  // The first subtree that is not a file is admitted before the status line (a full cap is a 503)
  // and its build starts now, writing while the subtrees before it stream.
  const opened = new Map<number, BuildReader>();
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i] as Target;
    const d = await admit(ctx, t, client);
    if (d.kind === "file") continue;
    if (d.kind === "reject") {
      throw new AssetHttpError("UNAVAILABLE", "on-demand subtree data creation at capacity; retry later", {
        retryAfterS: d.retryAfterS,
      });
    }
    opened.set(i, await open(ctx, t, d));
    break;
  }
  const stop = new AbortController();
  const chunks = blockBody(ctx, block, targets, opened, withPrefix, client, stop.signal);
  log.defer();
  return peekedResponse({
    next: async () => {
      const r = await chunks.next();
      return r.done ? null : r.value;
    },
    headers: { "content-type": "application/octet-stream" },
    empty: () => new AssetHttpError("INTERNAL", "empty block"),
    cancel: (reason) => {
      stop.abort(reason);
      void chunks.return(undefined).catch(() => {});
    },
    onEnd: (end) => {
      ctx.metrics.http("get_block_legacy", end.outcome === "ok" ? 200 : 500, "Internal Server Error");
      log.end(200, end.bytes, end.outcome, end.error);
    },
    active: ctx.active,
    signal: client.signal,
  });
}

/**
 * The block's bytes, one batch of txs at a time, pulled by the response (so at the client's pace).
 * A reader opened ahead and never reached (the client left first) is closed on the way out, so
 * its build may stop.
 */
async function* blockBody(
  ctx: ServerContext,
  block: ModelBlock,
  targets: Target[],
  opened: Map<number, BuildReader>,
  withPrefix: boolean,
  client: { readonly signal: AbortSignal },
  signal: AbortSignal,
): AsyncGenerator<Uint8Array> {
  try {
    const start = encodeWireBlockHead(
      block.header,
      block.txCount,
      withPrefix ? { prefixSizeInBytes: block.sizeInBytes } : {},
    );
    yield Buffer.concat([start, block.coinbaseTx]);
    for (let i = 0; i < targets.length; i++) {
      const t = targets[i] as Target;
      const reader = opened.get(i) ?? (await open(ctx, t, await admitted(ctx, t, client, signal)));
      opened.delete(i);
      let firstTx = i === 0;
      try {
        for await (const batch of readTxsBatches(asStream(reader), { signal })) {
          const out: Uint8Array[] = [];
          for (const tx of batch) {
            // Subtree 0 may start with the block's coinbase (reference #395): it was sent above.
            if (!(firstTx && isCoinbase(tx.bytes)))
              out.push(tx.extended ? toStandardBytes(tx.bytes) : tx.bytes.slice());
            firstTx = false;
          }
          if (out.length > 0) yield Buffer.concat(out);
        }
      } finally {
        reader.close();
      }
    }
  } finally {
    for (const reader of opened.values()) reader.close();
  }
}

/**
 * Admits a subtree reached mid-block. The status line is out, so a full cap cannot be a 503: it
 * waits the `Retry-After` it was given and asks again, holding no permit, for at most
 * `asset_semaphore_timeout_ms`; then the transfer is aborted (truncated, never a clean end).
 */
async function admitted(
  ctx: ServerContext,
  t: Target,
  client: { readonly signal: AbortSignal },
  signal: AbortSignal,
): Promise<Decision> {
  const deadline = performance.now() + ctx.settings.asset_semaphore_timeout_ms;
  for (;;) {
    const d = await admit(ctx, t, client);
    if (d.kind !== "reject") return d;
    if (performance.now() + d.retryAfterS * 1000 > deadline) {
      throw new AssetHttpError("UNAVAILABLE", `no create permit for subtree ${t.hex} of the block in time`);
    }
    await Bun.sleep(d.retryAfterS * 1000);
    signal.throwIfAborted();
  }
}

/** The subtree's body (its file, or a build's as it is written) for one decision. */
async function open(ctx: ServerContext, t: Target, d: Decision): Promise<BuildReader> {
  switch (d.kind) {
    case "file":
      return fileReader(t.dataPath);
    case "follow":
      return d.build.open();
    case "build":
      try {
        return (await startBuild(ctx, t.hash, t.hex, d.subtree, d.permit, d.claim)).open("origin");
      } catch (error) {
        // Published by another process since `admit` looked: read that file.
        if ((error as Error | undefined)?.name === "FileExistsError") return publishedFile(t.dataPath).open();
        throw error;
      }
    case "notFound":
      throw new AssetHttpError("NOT_FOUND", `subtree ${t.hex} of the block not found`);
    case "reject":
      throw new AssetHttpError("UNAVAILABLE", `no create permit for subtree ${t.hex} of the block`);
  }
}

function fileReader(path: string): BuildReader {
  const reader = Bun.file(path).slice(8).stream().getReader();
  return {
    next: async () => {
      const r = await reader.read();
      return r.done ? null : r.value;
    },
    close: () => void reader.cancel().catch(() => {}),
  };
}

/** A pull-based stream over a reader, for the package's tx splitter. */
function asStream(reader: BuildReader): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(c) {
        const chunk = await reader.next();
        if (chunk === null) c.close();
        else c.enqueue(chunk);
      },
      cancel: () => reader.close(),
    },
    { highWaterMark: 0 },
  );
}
