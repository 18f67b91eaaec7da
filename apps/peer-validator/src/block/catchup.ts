import { toDisplayHex } from "@subtreekit/subtree-stream";
import { PeersUnavailableError } from "../errors/peers-unavailable-error.ts";
import { type RunInput, type Session, sessionOf, withSignal } from "../session.ts";
import { parseHash, type SubtreeResult } from "../subtree/validate-subtree.ts";
import { type FetchedBlock, fetchBlock } from "./fetch-block.ts";
import { type BlockResult, storeIfMerkleMatches, validateSubtreesOf } from "./validate-block.ts";

/**
 * `to`: the newest block; `from`: the oldest block to validate (inclusive); `maxBlocks`: at most
 * this many blocks; `concurrency`: subtrees at once per block; `prefetch`: blocks whose subtrees
 * are validated ahead of the one being finished (default 1).
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
  /** Where the walk back stopped: a stored block, `from`, the start of what the peers have, or maxBlocks. */
  stoppedAt: "stored" | "from" | "peer-start" | "max-blocks" | "genesis";
}

/**
 * Walks back from `to` through each block's previous hash until a block already stored (or
 * `from`, or the oldest block the peers have), then validates forward in height order. The
 * subtrees of the next `prefetch` blocks are validated while the current block finishes, so the
 * network stays busy; blocks are stored strictly in order, and the first failure stops the run
 * (in-flight subtree streams still finish).
 */
export async function catchup(o: CatchupOptions): Promise<CatchupResult> {
  const s = sessionOf(o);
  const chain: FetchedBlock[] = [];
  let stoppedAt: CatchupResult["stoppedAt"] = "genesis";
  let cur = parseHash(o.to, "--to");
  if (o.from) parseHash(o.from, "--from");
  while (true) {
    const hex = toDisplayHex(cur);
    if (await s.blobStore.exists(cur, "block", { signal: s.signal })) {
      stoppedAt = "stored";
      break;
    }
    if (o.maxBlocks !== undefined && chain.length >= o.maxBlocks) {
      stoppedAt = "max-blocks";
      break;
    }
    let f: FetchedBlock;
    try {
      f = await s.peers.tryEach(`block ${hex}`, s.signal, (peer, peerSignal) =>
        fetchBlock(withSignal(s, peerSignal), peer, hex),
      );
    } catch (err) {
      // every peer said 404: we reached the oldest block they have
      if (
        chain.length > 0 &&
        err instanceof PeersUnavailableError &&
        err.failures.every((x) => x.code === "NOT_FOUND")
      ) {
        stoppedAt = "peer-start";
        break;
      }
      throw err;
    }
    chain.push(f);
    if (o.from && hex === o.from.toLowerCase()) {
      stoppedAt = "from";
      break;
    }
    const prev = f.block.header.prevHash;
    if (prev.every((b) => b === 0)) break;
    cur = prev;
  }
  chain.reverse();
  s.emit({ type: "catchup-plan", blocks: chain.map((f) => f.hex), from: o.from });
  return { blocks: await validateInOrder(s, chain, o.concurrency ?? 4, Math.max(0, o.prefetch ?? 1)), stoppedAt };
}

async function validateInOrder(
  s: Session,
  chain: FetchedBlock[],
  concurrency: number,
  prefetch: number,
): Promise<BlockResult[]> {
  const started = new Map<number, Promise<SubtreeResult[]>>();
  const start = (i: number) => {
    if (i >= chain.length || started.has(i)) return;
    const p = validateSubtreesOf(s, chain[i]!, concurrency);
    p.catch(() => {}); // awaited in order below; a prefetch failing early must not be unhandled
    started.set(i, p);
  };
  const out: BlockResult[] = [];
  try {
    for (let i = 0; i < chain.length; i++) {
      for (let k = i; k <= i + prefetch; k++) start(k);
      const subtrees = await started.get(i)!;
      out.push(await storeIfMerkleMatches(s, chain[i]!, subtrees));
    }
  } finally {
    // let prefetches already running finish (their streams warm the peer's files) before returning
    await Promise.allSettled(started.values());
  }
  return out;
}
