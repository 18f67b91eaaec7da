import { bytesEqual, parseBlockHeader } from "@subtreekit/subtree-stream";
import { type RunInput, type Session, sessionOf, withSignal } from "../session.ts";
import { parseHash } from "../subtree/validate-subtree.ts";
import { allNotFound, walkBack } from "./catchup-walk.ts";
import { ChunkedBlocks } from "./chunked-blocks.ts";
import { type ChainHeader, fetchHeaders } from "./fetch-headers.ts";
import { buildLocator } from "./locator.ts";
import type { BlockResult } from "./validate-block.ts";
import { validateInOrder } from "./validate-in-order.ts";

/**
 * `to`: the newest block; `from`: the oldest block to validate (inclusive); `maxBlocks`: at most
 * this many blocks (the newest); `concurrency`: subtrees at once per block; `prefetch`: blocks whose
 * subtrees are validated ahead of the one being finished (default 1: with `concurrency` 4 that
 * is 8 subtrees at once, twice a default server's build cap, so more would mostly buy 503s).
 */
export type CatchupOptions = RunInput & {
  to: string;
  from?: string;
  maxBlocks?: number;
  concurrency?: number;
  prefetch?: number;
};

export interface CatchupResult {
  /** Blocks validated and stored, oldest first. */
  blocks: BlockResult[];
  /** Where the chain to validate starts: after a stored block, at `from`, at the start of what the peers have, or cut by maxBlocks. */
  stoppedAt: "stored" | "from" | "peer-start" | "max-blocks" | "genesis";
  /** `headers`: the catch-up protocol; `walk`: one `/block/:hash` per block (peers without it). */
  protocol: "headers" | "walk";
}

/**
 * Catches up to `to` the way a Teranode peer does (teranode-peer.md §4.4): headers from the common
 * ancestor (with a locator of the blocks stored here), then the blocks in chunks of 100 with one
 * `/blocks` request each, checked against the headers, then validated strictly in order while the
 * subtrees of the next blocks are prefetched. Peers that answer 404 to the headers route are walked
 * back one `/block/:hash` at a time instead, with a `catchup-fallback` event saying so.
 */
export async function catchup(o: CatchupOptions): Promise<CatchupResult> {
  const s = sessionOf(o);
  const to = parseHash(o.to, "--to");
  if (o.from) parseHash(o.from, "--from");
  const concurrency = o.concurrency ?? 4;
  const prefetch = Math.max(0, o.prefetch ?? 1);
  if (await s.blobStore.exists(to, "block", { signal: s.signal })) {
    s.emit({ type: "catchup-plan", blocks: [], from: o.from });
    return { blocks: [], stoppedAt: "stored", protocol: "headers" };
  }
  const tipHex = o.to.toLowerCase();
  const locator = await buildLocator(s);
  let headers: ChainHeader[];
  try {
    headers = await s.peers.tryEach(`headers to ${tipHex}`, s.signal, (peer, peerSignal) =>
      fetchHeaders(withSignal(s, peerSignal), peer, tipHex, locator),
    );
  } catch (err) {
    if (!allNotFound(err)) throw err;
    s.emit({
      type: "catchup-fallback",
      route: "headers_from_common_ancestor",
      message: "the peers answered 404 to /headers_from_common_ancestor: walking back /block/:hash one block at a time",
    });
    const walked = await walkBack(s, to, o);
    s.emit({ type: "catchup-plan", blocks: walked.chain.map((f) => f.hex), from: o.from });
    const blocks = await validateInOrder(s, walked.chain.length, async (i) => walked.chain[i]!, concurrency, prefetch);
    return { blocks, stoppedAt: walked.stoppedAt, protocol: "walk" };
  }
  const { todo, stoppedAt } = await afterCommonAncestor(s, headers, o);
  s.emit({ type: "catchup-plan", blocks: todo.map((h) => h.hex), from: o.from });
  const source = new ChunkedBlocks(s, todo);
  const blocks = await validateInOrder(s, todo.length, (i) => source.get(i), concurrency, prefetch);
  return { blocks, stoppedAt, protocol: "headers" };
}

/**
 * The headers still to validate: after the common ancestor (the last header stored here, scanning
 * oldest → newest and stopping at the first one not stored, as the reference), from `from` on,
 * the newest `maxBlocks` of them.
 */
async function afterCommonAncestor(
  s: Session,
  headers: ChainHeader[],
  o: { from?: string; maxBlocks?: number },
): Promise<{ todo: ChainHeader[]; stoppedAt: CatchupResult["stoppedAt"] }> {
  let known = 0;
  while (known < headers.length && (await s.blobStore.exists(headers[known]!.hash, "block", { signal: s.signal })))
    known++;
  let todo = headers.slice(known);
  let stoppedAt: CatchupResult["stoppedAt"] =
    known > 0
      ? "stored"
      : bytesEqual(parseBlockHeader(headers[0]!.bytes).prevHash, new Uint8Array(32))
        ? "genesis"
        : "peer-start";
  const from = o.from ? todo.findIndex((h) => h.hex === o.from!.toLowerCase()) : -1;
  if (from >= 0) {
    todo = todo.slice(from);
    stoppedAt = "from";
  }
  if (o.maxBlocks !== undefined && todo.length > o.maxBlocks) {
    todo = todo.slice(todo.length - o.maxBlocks);
    stoppedAt = "max-blocks";
  }
  return { todo, stoppedAt };
}
