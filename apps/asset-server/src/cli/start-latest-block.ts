import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { blockHash, parseModelBlock, toDisplayHex } from "@subtreekit/subtree-stream";

/** What `start` shows to try: a stored block and its subtrees (display hex). */
export interface DemoTarget {
  block: string;
  height: number;
  subtrees: string[];
}

/**
 * The highest stored block under a blob root in Teranode's layout (`<root>/<xx>/<hash>.block`,
 * 8-byte magic first), so a second `start` can print the same kind of commands without seeding.
 * Unreadable blocks are skipped: the server reports them on their own routes.
 */
export async function latestBlock(root: string): Promise<DemoTarget | undefined> {
  let best: DemoTarget | undefined;
  const dirs = await readdir(root).catch(() => [] as string[]);
  for (const d of dirs) {
    const files = await readdir(join(root, d)).catch(() => [] as string[]);
    for (const f of files) {
      if (!f.endsWith(".block") || f.startsWith(".")) continue;
      try {
        const bytes = await Bun.file(join(root, d, f)).bytes();
        const block = parseModelBlock(bytes.subarray(8));
        if (block.subtrees.length === 0 || (best && best.height >= block.height)) continue;
        best = {
          block: toDisplayHex(blockHash(block.header)),
          height: block.height,
          subtrees: block.subtrees.map(toDisplayHex),
        };
      } catch {
        // Not a model block we can read: ignore it here.
      }
    }
  }
  return best;
}
