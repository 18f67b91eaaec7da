#!/usr/bin/env bun
import { parseArgs } from "node:util";
import { type OpenedStores, openStores } from "../import/open-stores.ts";
import { createProgress } from "../import/progress.ts";
import { seed } from "../seed/seed.ts";
import { type CommandUsage, formatUsage, usageLine } from "./usage.ts";

export const usage: CommandUsage = {
  name: "seed",
  args: "--subtrees N --txs M --tx-bytes B [--seed S] [--height H] [--json] [--txstore URL] [--subtreestore URL]",
  summary: "Store one synthetic block of N subtrees × M txs of B bytes; the same flags give the same hashes.",
  flags: [
    ["--subtrees N", "subtrees in the block (required)"],
    ["--txs M", "nodes per subtree (required)"],
    ["--tx-bytes B", "size of each tx in bytes, from 204 (required)"],
    ["--seed S", "PRNG seed: another seed, other txs and hashes (default 1)"],
    ["--height H", "block height (default 1000)"],
    ["--json", 'print one object {"block": hash, "subtrees": [...]}'],
    ["--txstore URL", "tx store to write to (default: the txstore setting)"],
    ["--subtreestore URL", "blob store to write to (default: the subtreestore setting)"],
  ],
};

/**
 * `seed`: stores a synthetic block (see `seed()`), prints `block <hash>` and one `subtree <hash>`
 * line per subtree, or with `--json` one object `{ "block": …, "subtrees": […] }`.
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
  let counts: { subtrees: number; txs: number; txBytes: number; seed: number; height: number };
  try {
    counts = {
      subtrees: num("subtrees"),
      txs: num("txs"),
      txBytes: num("tx-bytes"),
      seed: num("seed", 1),
      height: num("height", 1000),
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
  const progress = createProgress(counts.subtrees, "subtrees");
  try {
    const result = await seed({
      txStore: stores.txStore,
      blobStore: stores.blobStore,
      ...counts,
      signal: options.signal,
      onProgress: (p) => progress.update(p.subtreesDone, `${p.txsDone} txs`),
    });
    progress.stop();
    if (values.json) console.log(JSON.stringify({ block: result.block, subtrees: result.subtrees }));
    else {
      console.log(`block ${result.block} (height ${result.height}, ${result.txCount} txs)`);
      for (const s of result.subtrees) console.log(`subtree ${s}`);
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
