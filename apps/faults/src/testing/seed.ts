import { REPO_ROOT, run } from "@subtreekit/testkit";
import { MAIN } from "./server-process.ts";

/**
 * Seeds a synthetic block with the real `seed` command (real txs, real merkle roots) into the
 * given stores and returns its subtree hashes (display hex). Subtree data is never built by it.
 */
export function seedBlock(o: {
  txstore: string;
  subtreestore: string;
  subtrees: number;
  txs: number;
  txBytes: number;
  seed: number;
}): { block: string; subtrees: string[] } {
  const out = run(
    [
      process.execPath,
      MAIN,
      "seed",
      "--subtrees",
      String(o.subtrees),
      "--txs",
      String(o.txs),
      "--tx-bytes",
      String(o.txBytes),
      "--seed",
      String(o.seed),
      "--json",
      "--txstore",
      o.txstore,
      "--subtreestore",
      o.subtreestore,
    ],
    REPO_ROOT,
    { logLevel: "warn" },
  );
  const line = out
    .split("\n")
    .reverse()
    .find((l) => l.startsWith("{"));
  if (!line) throw new Error(`seed printed no JSON: ${out.slice(-2000)}`);
  return JSON.parse(line) as { block: string; subtrees: string[] };
}
