import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireVectors } from "@subtreekit/testkit";
import { runValidator, storedIn } from "../testing/run-validator.ts";
import { loadVectorDir, stallBody, startVectorPeer, type VectorPeer } from "../testing/vector-peer.ts";

const vectors = requireVectors("block 171 with a stalled peer first");
interface Facts {
  block171: { block: { hash: string; tx_count: number; subtrees: string[] } };
}

/**
 * Teranode issue 1456: a peer that answers `/subtree_data` and then goes silent held block
 * validation for the whole streaming timeout, subtree after subtree. Here the stalled peer is
 * listed first and serves the block and every subtree's nodes honestly, so the validator prefers
 * it and starts four subtrees on it at once. The first stall drops it for the run and ends its
 * other requests: it is named once, and every subtree comes from the honest peer.
 * `http_stall_timeout=500` stands in for the 30 s default: the same code, a smaller number.
 */
describe.skipIf(!vectors)("block 171: a stalled peer listed first, an honest one second", () => {
  let files: Map<string, Uint8Array>;
  let facts: Facts["block171"]["block"];
  let stalled: VectorPeer;
  let good: VectorPeer;
  let dir: string;
  beforeAll(() => {
    files = loadVectorDir(`${vectors}/171`);
    facts = (JSON.parse(readFileSync(`${vectors}/facts.json`, "utf8")) as Facts).block171.block;
    // headers (or not even those, at Bun's discretion), then nothing, for every subtree_data
    stalled = startVectorPeer(files, (_req, path) =>
      path.startsWith("/subtree_data/")
        ? new Response(stallBody(new Uint8Array(0), 0), { headers: { "content-type": "application/octet-stream" } })
        : undefined,
    );
    good = startVectorPeer(files);
    dir = mkdtempSync(join(tmpdir(), "stk-stalled-block-"));
  });
  afterAll(async () => {
    await stalled?.stop();
    await good?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("the block is validated from the honest peer and the stalled one is named once, with its cause", async () => {
    const r = await runValidator(
      ["block", facts.hash, "--peer", stalled.url, "--peer", good.url, "--json"],
      dir,
      // a stall must not be confused with the per-attempt timeout: that one stays long
      { http_stall_timeout: "500", http_streaming_timeout: "60000" },
    );
    expect(r.code).toBe(0);
    const events = r.stdout
      .split("\n")
      .filter(Boolean)
      .map(
        (l) => JSON.parse(l) as { type: string; peer?: string; code?: string; kind?: string; stalledPeers?: string[] },
      );
    const failed = events.filter((e) => e.type === "peer-failed");
    expect(failed.map((e) => [e.peer, e.kind, e.code])).toEqual([[stalled.url, "stalled", "STALLED"]]);
    expect(events.find((e) => e.type === "summary")?.stalledPeers).toEqual([stalled.url]);

    const subtreeDone = events.filter((e) => e.type === "subtree-done");
    expect(subtreeDone).toHaveLength(facts.subtrees.length);
    expect(subtreeDone.every((e) => e.peer === good.url)).toBe(true);
    expect(events.some((e) => e.type === "block-done")).toBe(true);

    // asked at most once per concurrent worker (4), never again after the stall
    const asked = stalled.log.filter((l) => l.path.startsWith("/subtree_data/")).length;
    expect(asked).toBeGreaterThanOrEqual(1);
    expect(asked).toBeLessThanOrEqual(4);
    expect(good.log.filter((l) => l.path.startsWith("/subtree_data/"))).toHaveLength(facts.subtrees.length);

    const stored = await storedIn(dir);
    expect(stored.txs).toBe(facts.tx_count - 1); // every tx but the coinbase
    expect(stored.files).toContain(`${facts.hash.slice(0, 2)}/${facts.hash}.block`);
    console.log(`block 171, stalled peer first: ${Math.round(r.ms)} ms (child process, stall timeout 500 ms)`);
  }, 60_000);
});
