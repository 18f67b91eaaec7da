#!/usr/bin/env bun
import { parseArgs } from "node:util";
import { type OpenedStores, openStores } from "../import/open-stores.ts";
import { createProgress } from "../import/progress.ts";
import { seedChain } from "../seed/seed-chain.ts";
import { type CommandUsage, formatUsage, usageLine } from "./usage.ts";

export const usage: CommandUsage = {
  name: "seed",
  args: "--subtrees N --txs M --tx-bytes B [--blocks K] [--seed S] [--height H] [--json] [--txstore URL] [--subtreestore URL]",
  summary:
    "Store a synthetic block (or a chain of K) of N subtrees × M txs of B bytes; the same flags give the same hashes.",
  flags: [
    ["--subtrees N", "subtrees in the block (required)"],
    ["--txs M", "nodes per subtree (required)"],
    ["--tx-bytes B", "size of each tx in bytes, from 204 (required)"],
    ["--seed S", "PRNG seed: another seed, other txs and hashes (default 1)"],
    ["--blocks K", "a chain of K blocks, each the parent of the next (default 1)"],
    ["--height H", "height of the (first) block (default 1000)"],
    ["--json", 'print one object {"block": tip, "subtrees": [...], "blocks": [oldest … tip] with --blocks}'],
    ["--txstore URL", "tx store to write to (default: the txstore setting)"],
    ["--subtreestore URL", "blob store to write to (default: the subtreestore setting)"],
  ],
};

/**
 * `seed`: stores a synthetic block, or with `--blocks K` a chain of K (see `seedChain()`), prints
 * `block <hash>` and one `subtree <hash>` line per subtree for each block, oldest first, or with
 * `--json` one object `{ "block": tip, "subtrees": […] }` (plus `"blocks"`, oldest first, with `--blocks`).
 * Returns the exit code: 0 done, 1 failed, 2 bad usage.
 */
export async function run(argv: string[], options: { signal?: AbortSignal; cwd?: string } = {}): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        subtrees: { type: "string" },
        txs: { type: "string" },
        "tx-bytes": { type: "string" },
        seed: { type: "string" },
        height: { type: "string" },
        blocks: { type: "string" },
        json: { type: "boolean" },
        txstore: { type: "string" },
        subtreestore: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (err) {
    console.error(`seed: ${(err as Error).message}\n${usageLine(usage)}`);
    return 2;
  }
  if (values.help) {
    console.log(formatUsage(usage));
    return 0;
  }
  const num = (key: string, fallback?: number): number => {
    const raw = values[key];
    if (raw === undefined) {
      if (fallback !== undefined) return fallback;
      throw new Error(`--${key} is required`);
    }
    const n = Number(raw);
    if (typeof raw !== "string" || raw.trim() === "" || !Number.isSafeInteger(n) || n < 0) {
      throw new Error(`--${key} must be a non-negative integer, got ${JSON.stringify(raw)}`);
    }
    return n;
  };
  let counts: { subtrees: number; txs: number; txBytes: number; seed: number; height: number; blocks: number };
  try {
    counts = {
      subtrees: num("subtrees"),
      txs: num("txs"),
      txBytes: num("tx-bytes"),
      seed: num("seed", 1),
      height: num("height", 1000),
      blocks: num("blocks", 1),
    };
  } catch (err) {
    console.error(`seed: ${(err as Error).message}\n${usageLine(usage)}`);
    return 2;
  }
  let stores: OpenedStores;
  try {
    stores = await openStores({
      cwd: options.cwd,
      txstore: values.txstore as string | undefined,
      subtreestore: values.subtreestore as string | undefined,
      signal: options.signal,
    });
  } catch (err) {
    console.error(`seed: cannot open the stores: ${(err as Error).message}`);
    return 1;
  }
  const progress = createProgress(counts.subtrees * counts.blocks, "subtrees");
  try {
    const chain = await seedChain({
      txStore: stores.txStore,
      blobStore: stores.blobStore,
      ...counts,
      signal: options.signal,
      onProgress: (p) =>
        progress.update(p.blocksDone * p.subtrees + p.subtreesDone, `block ${p.blocksDone + 1}/${p.blocks}`),
    });
    progress.stop();
    const tip = chain.at(-1)!;
    if (values.json) {
      const out: Record<string, unknown> = { block: tip.block, subtrees: tip.subtrees };
      if (values.blocks !== undefined) out.blocks = chain.map((b) => b.block);
      console.log(JSON.stringify(out));
    } else {
      for (const b of chain) {
        console.log(`block ${b.block} (height ${b.height}, ${b.txCount} txs)`);
        for (const s of b.subtrees) console.log(`subtree ${s}`);
      }
    }
    return 0;
  } catch (err) {
    progress.stop();
    console.error(`seed: ${(err as Error).message}`);
    return err instanceof Error && err.name === "SeedError" ? 2 : 1;
  } finally {
    await stores.close();
  }
}

if (import.meta.main) process.exit(await run(process.argv.slice(2)));
