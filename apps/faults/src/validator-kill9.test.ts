import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openTxStore } from "@subtreekit/stores";
import { sha256d } from "@subtreekit/subtree-stream";
import { REPO_ROOT } from "@subtreekit/testkit";
import { fetchNodes } from "./testing/peer.ts";
import { seedBlock } from "./testing/seed.ts";
import { freePort, type ServerProcess, startServer } from "./testing/server-process.ts";

const VALIDATOR = join(REPO_ROOT, "apps/peer-validator/src/main.ts");
const TXS = 30_000;
let dir: string;
let hash: string;
let nodes: Uint8Array[];
let server: ServerProcess | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "faults-validator-kill9-"));
  const env = { txstore: `sqlite://${join(dir, "tx.sqlite")}`, subtreestore: `file://${join(dir, "blobs")}` };
  hash = seedBlock({ ...env, subtrees: 1, txs: TXS, txBytes: 250, seed: 17 }).subtrees[0] as string;
  server = await startServer({ cwd: dir, env, port: freePort() });
  nodes = await fetchNodes(server.api, hash);
}, 120_000);

afterAll(async () => {
  await server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** `peer-validator subtree` in `cwd`; with `killAfterMs`, `kill -9` that long after its nodes came. */
async function validate(cwd: string, killAfterMs?: number): Promise<{ code: number | null; ms: number }> {
  const p = Bun.spawn(["bun", VALIDATOR, "subtree", hash, "--peer", server!.api, "--json"], {
    cwd,
    stdout: "pipe",
    stderr: "ignore",
  });
  let t0 = performance.now();
  const reader = p.stdout.getReader();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
    if (text.includes('"subtree-nodes"')) {
      t0 = performance.now();
      if (killAfterMs !== undefined) setTimeout(() => p.kill(9), killAfterMs);
      void reader.cancel().catch(() => {});
      break;
    }
  }
  const code = await p.exited;
  return { code, ms: performance.now() - t0 };
}

/** What a validator left: stored txs, each read back and hashed, and whether the subtree file is there. */
async function stateOf(cwd: string): Promise<{ txs: number; readable: number; subtree: boolean }> {
  const store = await openTxStore(`sqlite://${join(cwd, "validator-data", "txstore.sqlite")}`);
  try {
    const got = await store.getTxs(nodes);
    let readable = 0;
    for (let i = 0; i < got.length; i++) if (got[i] && Bun.deepEquals(sha256d(got[i]!), nodes[i])) readable++;
    const subtree = existsSync(join(cwd, "validator-data", "subtreestore", hash.slice(0, 2), `${hash}.subtree`));
    return { txs: await store.count(), readable, subtree };
  } finally {
    await store.close();
  }
}

test("kill -9 of the validator at moments spread over its run, the commit included: every tx row reads back as its bytes, the store holds none or all of the subtree, a subtree file only with all of it, and a rerun completes", async () => {
  // One whole run, to spread the kills over its length (the commit is its last part).
  const whole = mkdtempSync(join(dir, "whole-"));
  const full = await validate(whole);
  expect(full.code).toBe(0);
  expect(await stateOf(whole)).toEqual({ txs: TXS - 1, readable: TXS - 1, subtree: true });
  const seen = new Set<string>();
  for (const share of [0.5, 0.8, 0.9, 0.95, 1.0, 1.05]) {
    const cwd = mkdtempSync(join(dir, "kill-"));
    await validate(cwd, Math.round(full.ms * share));
    const s = await stateOf(cwd);
    // One transaction: none or all (the coinbase placeholder is not a tx); no row without its bytes.
    expect([0, TXS - 1]).toContain(s.txs);
    expect(s.readable).toBe(s.txs);
    if (s.subtree) expect(s.txs).toBe(TXS - 1);
    seen.add(s.subtree ? "stored" : s.txs > 0 ? "txs, no subtree" : "nothing");
    // Whatever was left, a rerun finishes the job.
    expect((await validate(cwd)).code).toBe(0);
    expect(await stateOf(cwd)).toEqual({ txs: TXS - 1, readable: TXS - 1, subtree: true });
  }
  console.log(`states left by the kills: ${[...seen].join(", ")}`);
}, 180_000);
