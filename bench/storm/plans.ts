import type { PeerPlan } from "./peer.ts";
import { mulberry32, zipf } from "./random.ts";

/**
 * The load, decided once from `seed`: each peer's subtree (Zipf over the block's subtrees, in
 * block order, so the first few are wanted by most peers), whether it reads slowly (exactly
 * round(peers × slowShare) of them, picked at random), and its start delay within `spreadMs`.
 */
export function makePlans(o: {
  subtrees: readonly string[];
  peers: number;
  zipfS: number;
  slowShare: number;
  spreadMs: number;
  seed: number;
}): PeerPlan[] {
  const random = mulberry32(o.seed);
  const pick = zipf(o.subtrees.length, o.zipfS, random);
  const order = Array.from({ length: o.peers }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const slow = new Set(order.slice(0, Math.round(o.peers * o.slowShare)));
  return Array.from({ length: o.peers }, (_, id) => ({
    id,
    subtree: o.subtrees[pick()] as string,
    slow: slow.has(id),
    startDelayMs: Math.round(random() * o.spreadMs),
  }));
}
