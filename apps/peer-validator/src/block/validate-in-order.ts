import type { Session } from "../session.ts";
import type { SubtreeResult } from "../subtree/validate-subtree.ts";
import type { FetchedBlock } from "./fetch-block.ts";
import { type BlockResult, storeIfMerkleMatches, validateSubtreesOf } from "./validate-block.ts";

/**
 * Validates blocks 0…count−1 strictly in order: block i is stored only after block i−1, while the
 * subtrees of the next `prefetch` blocks are already being fetched and verified (bounded: at most
 * prefetch + 1 blocks × `concurrency` subtrees at once), so the network stays busy. `get(i)` may
 * fetch lazily (a chunk of blocks at a time). The first failure stops the run; subtree streams
 * already running still finish, so the serving peer keeps the files it built.
 */
export async function validateInOrder(
  s: Session,
  count: number,
  get: (i: number) => Promise<FetchedBlock>,
  concurrency: number,
  prefetch: number,
): Promise<BlockResult[]> {
  const started = new Map<number, Promise<SubtreeResult[]>>();
  const start = (i: number) => {
    if (i >= count || started.has(i)) return;
    const p = get(i).then((f) => validateSubtreesOf(s, f, concurrency));
    p.catch(() => {}); // awaited in order below; a prefetch failing early must not be unhandled
    started.set(i, p);
  };
  const out: BlockResult[] = [];
  try {
    for (let i = 0; i < count; i++) {
      for (let k = i; k <= i + prefetch; k++) start(k);
      const subtrees = await started.get(i)!;
      out.push(await storeIfMerkleMatches(s, await get(i), subtrees));
      started.delete(i);
    }
  } finally {
    await Promise.allSettled(started.values());
  }
  return out;
}
