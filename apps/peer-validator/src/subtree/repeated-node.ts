import type { NodeHashes } from "./node-hashes.ts";

/**
 * The first two indexes of a node hash that appears twice, or undefined when all are distinct.
 * A tx can be in a block once, and a repeated last node is how a forged list keeps the root
 * (go-subtree pads with zero hashes and hashes (x, 0) as (x, x), so [a, b, c, c] hashes like
 * [a, b, c]: CVE-2012-2459). Sorts the 48-bit prefixes (8 bytes a node, native numeric sort)
 * and compares whole hashes only where two prefixes are equal.
 */
export function firstRepeat(nodes: NodeHashes): [number, number] | undefined {
  const n = nodes.length;
  const view = new DataView(nodes.bytes.buffer, nodes.bytes.byteOffset, nodes.bytes.byteLength);
  const key = (i: number) => view.getUint32(i * 32) * 65536 + view.getUint16(i * 32 + 4);
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) sorted[i] = key(i);
  sorted.sort();
  let shared: Set<number> | undefined;
  for (let i = 1; i < n; i++) if (sorted[i] === sorted[i - 1]) (shared ??= new Set()).add(sorted[i]!);
  if (!shared) return undefined;
  // Rare: equal prefixes (about n² / 2⁴⁹ of a subtree). Whole hashes of those nodes only.
  const seen = new Map<string, number>();
  let best: [number, number] | undefined;
  for (let i = 0; i < n; i++) {
    if (!shared.has(key(i))) continue;
    const hex = Buffer.from(nodes.at(i)).toString("hex");
    const first = seen.get(hex);
    if (first === undefined) seen.set(hex, i);
    else if (!best || i < best[1]) best = [first, i];
  }
  return best;
}
