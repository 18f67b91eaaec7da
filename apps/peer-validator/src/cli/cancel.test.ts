import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireVectors } from "@subtreekit/testkit";
import { MAIN, storedIn } from "../testing/run-validator.ts";
import { dripBody, loadVectorDir, startVectorPeer, type VectorPeer } from "../testing/vector-peer.ts";

const vectors = requireVectors("peer-validator cancellation");
const B171 = "0000000023ffe4075b18e77ce7342b90a7deeb92e4b3681551253291c3522824";
let peer: VectorPeer | undefined;
let dir: string | undefined;
afterAll(async () => {
  await peer?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test.skipIf(!vectors)(
  "SIGINT mid-run: exits 130 within a second, no temp files, no partial subtree, no txs",
  async () => {
    const files = loadVectorDir(`${vectors}/171`);
    // every subtree_data drips (~4 s each), so several streams are mid-way when the signal comes
    peer = startVectorPeer(files, (_r, path) => {
      const m = /^\/subtree_data\/([0-9a-f]{64})$/.exec(path);
      return m ? new Response(dripBody(files.get(`${m[1]}.subtree_data`)!, 200, 100)) : undefined;
    });
    dir = mkdtempSync(join(tmpdir(), "stk-validate-sigint-"));
    const child = Bun.spawn(["bun", MAIN, "block", B171, "--peer", peer.url, "--json"], {
      cwd: dir,
      stdout: "pipe",
      stderr: "pipe",
    });
    const stdout = new Response(child.stdout).text();
    const p = peer;
    const deadline = Date.now() + 10_000;
    while (p.log.filter((l) => l.path.startsWith("/subtree_data/")).length < 4 && Date.now() < deadline)
      await Bun.sleep(20);
    await Bun.sleep(400); // bytes are flowing into the temp files now
    const midRun = (await storedIn(dir)).files;
    expect(midRun.filter((f) => f.endsWith(".tmp")).length).toBeGreaterThanOrEqual(4);
    const t0 = performance.now();
    child.kill("SIGINT");
    const code = await child.exited;
    const ms = performance.now() - t0;
    expect(code).toBe(130);
    expect(ms).toBeLessThan(1000);
    console.log(`SIGINT → exit in ${ms.toFixed(0)} ms; temp files mid-run: ${midRun.length}`);
    const lines = (await stdout)
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.at(-1)).toMatchObject({ type: "summary", outcome: "interrupted", exitCode: 130, subtrees: 0 });
    expect(lines.some((l) => l.type === "progress" || l.type === "subtree-nodes")).toBe(true);
    expect(await storedIn(dir)).toEqual({ files: [], txs: 0 });
  },
  20_000,
);
