// mulberry32 (one copy, in testkit): the same `--seed` gives every run the same peers, the same
// subtree choices and the same slow readers — both runs of one invocation face identical load.
export { mulberry32 } from "../../packages/testkit/src/random.ts";

/**
 * Zipf sampler over ranks 0..n-1: P(k) ∝ 1 / (k+1)^s. Over 40 ranks, s = 2 gives rank 0 62 % of
 * the draws and ranks 0–3 88 % (many peers asking for the same new subtree); s = 1 gives 23 % and
 * 49 %, with most ranks drawn at least once.
 */
export function zipf(n: number, s: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) {
    total += 1 / (k + 1) ** s;
    cdf[k] = total;
  }
  return () => {
    const u = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
