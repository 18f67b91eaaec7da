import type { DemoTarget } from "./start-latest-block.ts";

/**
 * The commands `start` prints to try the server: a subtree as JSON, a subtree's data (built on
 * demand, so the byte count shows a real build), the block as JSON, and the peer validator
 * fetching and verifying a subtree from this server.
 */
export function startBanner(base: string, prefix: string, target: DemoTarget | undefined): string[] {
  const api = `${base}${prefix}`;
  if (!target) {
    return [
      `asset server on ${api} — the store holds no block yet; add data with`,
      "  bun apps/asset-server seed --subtrees 4 --txs 1000 --tx-bytes 250",
      "  bun apps/asset-server import <files…>",
      `  curl -s ${api}/health`,
    ];
  }
  const st = target.subtrees[target.subtrees.length > 1 ? 1 : 0] as string;
  return [
    `asset server on ${api} — block ${target.block} (height ${target.height}, ${target.subtrees.length} subtrees)`,
    "try:",
    `  curl -s ${api}/subtree/${st}/json`,
    `  curl -s ${api}/subtree_data/${st} | wc -c`,
    `  curl -s ${api}/block/${target.block}/json`,
    `  bun apps/peer-validator subtree ${st} --peer ${api}`,
  ];
}
