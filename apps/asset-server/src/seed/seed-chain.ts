import { fromDisplayHex } from "@subtreekit/subtree-stream";
import { type SeedOptions, type SeedProgress, type SeedResult, seed } from "./seed.ts";
import { SeedError } from "./seed-error.ts";

export interface SeedChainOptions extends Omit<SeedOptions, "onProgress" | "prevHash" | "stream"> {
  /** Blocks in the chain; each has `subtrees × txs`. */
  blocks: number;
  onProgress?: (progress: SeedProgress & { blocksDone: number; blocks: number }) => void;
}

/**
 * Stores a chain of `blocks` synthetic blocks (see `seed()`): block i has height `height + i`,
 * its parent is block i − 1 (block 0's parent is a random hash nobody stores, as a lone seeded
 * block's), and its txs come from PRNG stream i of the seed, so no two blocks share a subtree.
 * Block 0 is exactly what `seed()` stores with the same options. Returned oldest first; each block
 * is written after its subtrees, so a chain stopped part-way is a shorter valid chain.
 *
 * @example
 * const chain = await seedChain({ txStore, blobStore, blocks: 30, subtrees: 2, txs: 64, txBytes: 250 });
 */
export async function seedChain(options: SeedChainOptions): Promise<SeedResult[]> {
  const { blocks, onProgress, ...rest } = options;
  if (!Number.isSafeInteger(blocks) || blocks < 1 || blocks > 1_000_000) {
    throw new SeedError("BAD_OPTION", `blocks must be an integer from 1 to 1000000, got ${blocks}`);
  }
  const height = options.height ?? 1000;
  const out: SeedResult[] = [];
  let prevHash: Uint8Array | undefined;
  for (let i = 0; i < blocks; i++) {
    const r = await seed({
      ...rest,
      height: height + i,
      stream: i,
      prevHash,
      onProgress: onProgress && ((p) => onProgress({ ...p, blocksDone: i, blocks })),
    });
    out.push(r);
    prevHash = fromDisplayHex(r.block);
  }
  return out;
}
