import { toDisplayHex } from "@subtreekit/subtree-stream";
import { PeersUnavailableError } from "../errors/peers-unavailable-error.ts";
import { type Session, withSignal } from "../session.ts";
import type { CatchupResult } from "./catchup.ts";
import { type FetchedBlock, fetchBlock } from "./fetch-block.ts";

/**
 * The fallback for peers without the catch-up routes: `GET /block/:hash` from `to` back through
 * each block's parent, one request per block, until a stored block, `from` (inclusive), the
 * oldest block the peers have (all 404), `maxBlocks`, or a zero parent. Returns the chain oldest first.
 */
export async function walkBack(
  s: Session,
  to: Uint8Array,
  o: { from?: string; maxBlocks?: number },
): Promise<{ chain: FetchedBlock[]; stoppedAt: CatchupResult["stoppedAt"] }> {
  const chain: FetchedBlock[] = [];
  let stoppedAt: CatchupResult["stoppedAt"] = "genesis";
  let cur = to;
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
      if (chain.length > 0 && allNotFound(err)) {
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
  return { chain: chain.reverse(), stoppedAt };
}

/** True when every peer answered 404 (as opposed to failing or sending bad data). */
export function allNotFound(err: unknown): boolean {
  return (
    err instanceof PeersUnavailableError && err.failures.length > 0 && err.failures.every((x) => x.code === "NOT_FOUND")
  );
}
