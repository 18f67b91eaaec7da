import { parseModelBlock } from "@subtreekit/subtree-stream";
import type { Session } from "../session.ts";

/** Newest stored blocks named one by one before the steps start doubling (Bitcoin's locator). */
const DENSE = 10;

/**
 * A block locator from what this validator stores: its stored blocks by height, newest first, the
 * newest ten one by one and then every 2nd, 4th, 8th… back to the oldest. The peer starts its
 * headers at the newest of these on the chain it serves, so a validator that is a few blocks
 * behind downloads only those. Empty when the blob store cannot list (the peer then starts at the
 * oldest block it has, and stored headers are skipped).
 */
export async function buildLocator(s: Session): Promise<Uint8Array[]> {
  if (!s.blobStore.list) return [];
  const stored: { hash: Uint8Array; height: number }[] = [];
  for await (const hash of s.blobStore.list("block", { signal: s.signal })) {
    const bytes = await s.blobStore.get(hash, "block", { signal: s.signal });
    if (!bytes) continue;
    try {
      stored.push({ hash, height: parseModelBlock(bytes).height });
    } catch {
      // a block we cannot parse is no help as a locator; the catch-up itself never relies on it
    }
  }
  stored.sort((a, b) => b.height - a.height);
  const out: Uint8Array[] = [];
  for (let i = 0, step = 1; i < stored.length; i += step) {
    out.push(stored[i]!.hash);
    if (out.length >= DENSE) step *= 2;
  }
  return out;
}
