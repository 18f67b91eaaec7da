import { blockMerkleRoot, bytesEqual, subtreeRootWithCoinbase, toDisplayHex } from "@subtreekit/subtree-stream";
import { VerificationError } from "../errors/verification-error.ts";
import { type RunInput, type Session, sessionOf, withSignal } from "../session.ts";
import { parseHash, type SubtreeResult, validateSubtree } from "../subtree/validate-subtree.ts";
import { type FetchedBlock, fetchBlock } from "./fetch-block.ts";

/** `hash`: the block hash, display hex; `concurrency`: subtrees at once (`--concurrency`), default 4. */
export type ValidateBlockOptions = RunInput & { hash: string; concurrency?: number };

export interface BlockResult {
  hash: string;
  height: number;
  txCount: number;
  /** False when the block was already stored (nothing fetched). */
  stored: boolean;
  subtrees: SubtreeResult[];
}

/**
 * `GET /block/:hash`, then every subtree (validateSubtree, `concurrency` at once), then the block
 * merkle root from the subtree roots with the coinbase in place of subtree 0's placeholder; only
 * then is the block stored. A failing subtree does not cancel its siblings (their streams finish
 * so the serving peer keeps the file it built), but the block is not stored.
 *
 * @example
 * ```ts
 * const r = await validateBlock({ hash, peers: [peer], txStore, blobStore, concurrency: 4 });
 * ```
 */
export async function validateBlock(o: ValidateBlockOptions): Promise<BlockResult> {
  const s = sessionOf(o);
  const hash = parseHash(o.hash, "block");
  const hex = o.hash.toLowerCase();
  if (await s.blobStore.exists(hash, "block", { signal: s.signal })) {
    s.emit({ type: "already-stored", kind: "block", hash: hex });
    return { hash: hex, height: -1, txCount: 0, stored: false, subtrees: [] };
  }
  // a merkle mismatch means the block's subtree list was wrong (subtrees are content-addressed and
  // verified): that peer is marked bad and the block is taken from the next one
  return s.peers.tryEach(`block ${hex}`, s.signal, async (peer, peerSignal) => {
    const fetched = await fetchBlock(withSignal(s, peerSignal), peer, hex);
    s.peers.prefer(peer); // its subtrees are asked of it first
    return validateFetchedBlock(s, fetched, o.concurrency ?? 4);
  });
}

/** The subtree and merkle half of validateBlock, for a block already fetched (catchup). */
export async function validateFetchedBlock(s: Session, f: FetchedBlock, concurrency: number): Promise<BlockResult> {
  const results = await validateSubtreesOf(s, f, concurrency);
  return storeIfMerkleMatches(s, f, results);
}

/** Every subtree of the block, `concurrency` at once, all run to the end; throws the first failure. */
export async function validateSubtreesOf(s: Session, f: FetchedBlock, concurrency: number): Promise<SubtreeResult[]> {
  const { block, peer, hex } = f;
  s.emit({ type: "block-start", block: hex, peer, subtrees: block.subtrees.length, height: block.height });
  const results: SubtreeResult[] = new Array(block.subtrees.length);
  const errors: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < block.subtrees.length && !s.signal.aborted) {
      const i = next++;
      try {
        results[i] = await validateSubtree({ session: s, hash: toDisplayHex(block.subtrees[i]!) });
      } catch (err) {
        errors.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, block.subtrees.length)) }, worker));
  s.signal.throwIfAborted();
  if (errors.length > 0) {
    const err = errors[0];
    s.emit({
      type: "block-failed",
      block: hex,
      code: (err as { code?: string }).code ?? "ERROR",
      message: (err as Error).message,
    });
    throw err;
  }
  return results;
}

/** Checks the block merkle root against the verified subtrees and stores the block. */
export async function storeIfMerkleMatches(
  s: Session,
  f: FetchedBlock,
  results: SubtreeResult[],
): Promise<BlockResult> {
  const { block, peer, bytes, hex } = f;
  const leaves = results.map((r) => r.nodes.length);
  const total = leaves.reduce((a, x) => a + x, 0);
  const roots = block.subtrees.map((h, i) =>
    i === 0 ? subtreeRootWithCoinbase(results[0]!.nodes.toArray(), f.coinbaseTxid) : h,
  );
  const root = roots.length > 0 ? blockMerkleRoot(roots, { subtreeLeaves: leaves }) : new Uint8Array(32);
  if (!bytesEqual(root, block.header.merkleRoot) || total !== block.txCount) {
    const expected = toDisplayHex(block.header.merkleRoot);
    const actual = toDisplayHex(root);
    const err = new VerificationError(
      "MERKLE_MISMATCH",
      total !== block.txCount
        ? `${peer}: block ${hex}: its ${results.length} subtrees hold ${total} txs, the block says ${block.txCount}`
        : `${peer}: block ${hex}: merkle root from its subtrees is ${actual}, header says ${expected}`,
      { peer, block: hex, expected, actual },
    );
    s.emit({ type: "block-failed", block: hex, code: err.code, message: err.message });
    throw err;
  }
  if (!(await s.blobStore.exists(f.hash, "block"))) {
    const w = await s.blobStore.createWriter(f.hash, "block");
    try {
      await w.write(bytes);
      await w.commit();
    } catch (err) {
      await w.abort(err);
      throw err;
    }
  }
  s.emit({ type: "block-done", block: hex, height: block.height, txs: block.txCount });
  return { hash: hex, height: block.height, txCount: block.txCount, stored: true, subtrees: results };
}
