import { storedTxSize } from "@subtreekit/subtree-stream/bun";
import type { AssetSettings } from "../settings.ts";

/**
 * How an on-demand build cuts a subtree into tx-store fetches: at most
 * `asset_subtreeDataStreamingChunkSize` txs and, unless it is 0, at most
 * `asset_subtreeDataStreamingChunkBytes` bytes by the sizes the subtree file stores per node. The
 * byte limit is what keeps a build's memory (`window` chunks) bounded when txs are big: 10,000
 * txs are 2.5 MB at 250 B but 20 MB at 2 KB. For nodes from `readSubtreeFileNodeHashes` only.
 */
export function buildChunking(settings: AssetSettings): {
  chunkSize: number;
  chunkBytes?: number;
  nodeBytes?: (node: Uint8Array) => number;
} {
  const chunkSize = settings.asset_subtreeDataStreamingChunkSize;
  const bytes = settings.asset_subtreeDataStreamingChunkBytes;
  return bytes > 0 ? { chunkSize, chunkBytes: bytes, nodeBytes: storedTxSize } : { chunkSize };
}
