import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openBlobStore, openTxStore } from "@subtreekit/stores";
import { fromDisplayHex, parseModelBlock, toDisplayHex } from "@subtreekit/subtree-stream";
import { seed } from "../seed/seed.ts";

const MAIN = join(import.meta.dir, "..", "main.ts");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Runs `subtreekit-asset seed …` in a fresh directory (stores under its ./data). */
async function seedCli(args: string[], entry = MAIN) {
  const cwd = mkdtempSync(join(tmpdir(), "seed-cli-"));
  dirs.push(cwd);
  const env = { ...process.env };
  delete env.txstore;
  delete env.subtreestore;
  const child = Bun.spawn(["bun", entry, "seed", ...args], { cwd, env, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { cwd, stdout, stderr, code };
}

describe("seed command", () => {
  test("--json prints one object listing the block and subtrees it stored, equal to seed() with the same seed", async () => {
    const run = await seedCli(["--subtrees", "3", "--txs", "50", "--tx-bytes", "300", "--seed", "9", "--json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(Object.keys(out).sort()).toEqual(["block", "subtrees"]);
    expect(out.subtrees).toHaveLength(3);

    // What it printed is what is in ./data under its working directory.
    const blobs = await openBlobStore(`file://${run.cwd}/data/subtreestore`);
    expect(await blobs.exists(fromDisplayHex(out.block), "block")).toBe(true);
    for (const s of out.subtrees) expect(await blobs.exists(fromDisplayHex(s), "subtree")).toBe(true);
    const txs = await openTxStore(`sqlite://${run.cwd}/data/txstore.sqlite`);
    expect(await txs.count()).toBe(150);
    await txs.close();

    // Deterministic: the programmatic API with the same numbers gives the same hashes.
    const dir = mkdtempSync(join(tmpdir(), "seed-api-"));
    dirs.push(dir);
    const txStore = await openTxStore(`sqlite://${dir}/tx.sqlite`);
    const blobStore = await openBlobStore(`file://${dir}/blobs?fsync=none`);
    const api = await seed({ txStore, blobStore, subtrees: 3, txs: 50, txBytes: 300, seed: 9 });
    expect({ block: api.block, subtrees: api.subtrees }).toEqual(out);
    await txStore.close();
  }, 30_000);

  test("without --json, run as `bun apps/asset-server seed`: a block line and one line per subtree", async () => {
    const run = await seedCli(
      ["--subtrees", "2", "--txs", "8", "--tx-bytes", "250"],
      join(import.meta.dir, "..", ".."),
    );
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^block [0-9a-f]{64} \(height 1000, 16 txs\)$/);
    expect(lines.slice(1)).toHaveLength(2);
    for (const l of lines.slice(1)) expect(l).toMatch(/^subtree [0-9a-f]{64}$/);
  }, 30_000);

  test('--blocks 3 --json: a chain, "blocks" oldest first, "block" its tip, each block\'s parent the one before', async () => {
    const run = await seedCli(["--subtrees", "1", "--txs", "4", "--tx-bytes", "250", "--blocks", "3", "--json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.blocks).toHaveLength(3);
    expect(out.block).toBe(out.blocks[2]);
    const blobs = await openBlobStore(`file://${run.cwd}/data/subtreestore`);
    const parent = async (hex: string) =>
      toDisplayHex(parseModelBlock((await blobs.get(fromDisplayHex(hex), "block"))!).header.prevHash);
    expect(await parent(out.blocks[2])).toBe(out.blocks[1]);
    expect(await parent(out.blocks[1])).toBe(out.blocks[0]);
    const bad = await seedCli(["--subtrees", "1", "--txs", "4", "--tx-bytes", "250", "--blocks", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("blocks must be an integer from 1");
  }, 30_000);

  test("missing or bad numbers: exit 2 with usage, nothing stored", async () => {
    const missing = await seedCli(["--subtrees", "2", "--tx-bytes", "250"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--txs is required");
    const bad = await seedCli(["--subtrees", "0", "--txs", "2", "--tx-bytes", "250"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("subtrees must be an integer from 1");
    const txs = await openTxStore(`sqlite://${bad.cwd}/data/txstore.sqlite`);
    expect(await txs.count()).toBe(0);
    await txs.close();
  }, 30_000);
});
