#!/usr/bin/env bun
import { parseArgs } from "node:util";
import { importFiles } from "../import/import-files.ts";
import { type OpenedStores, openStores } from "../import/open-stores.ts";
import { createProgress } from "../import/progress.ts";
import { type CommandUsage, formatUsage, usageLine } from "./usage.ts";

export const usage: CommandUsage = {
  name: "import",
  args: "<files…> [--subtree-size N] [--keep-subtree-data] [--json] [--txstore URL] [--subtreestore URL]",
  summary: "Verify block, subtree, subtree_data, wire block and tx files; store each input all or nothing.",
  flags: [
    ["--subtree-size N", "nodes per subtree when splitting a wire block (power of two ≥ 2, default 1024)"],
    ["--keep-subtree-data", "also store a given subtree_data file as is (default: only its txs)"],
    ["--json", 'print one object {"imported": [...], "failed": [...]}'],
    ["--txstore URL", "tx store to write to (default: the txstore setting)"],
    ["--subtreestore URL", "blob store to write to (default: the subtreestore setting)"],
  ],
};

/**
 * `import <files…>`: verifies and stores each file (see `importFiles`). Prints one line per
 * imported input on stdout and one `import failed: <file>: at byte N: …` line per bad input on
 * stderr. Exit code: 0 all imported, 1 any input failed (the rest were still imported), 2 usage.
 */
export async function run(argv: string[], options: { signal?: AbortSignal; cwd?: string } = {}): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    console.error(`import: ${(err as Error).message}\n${usageLine(usage)}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(formatUsage(usage));
    return 0;
  }
  const subtreeSize = Number(values["subtree-size"] ?? 1024);
  if (!Number.isSafeInteger(subtreeSize) || subtreeSize < 2 || (subtreeSize & (subtreeSize - 1)) !== 0) {
    console.error(
      `import: --subtree-size must be a power of two ≥ 2, got ${values["subtree-size"]}\n${usageLine(usage)}`,
    );
    return 2;
  }
  if (positionals.length === 0) {
    console.error(`import: no files given\n${usageLine(usage)}`);
    return 2;
  }
  let stores: OpenedStores;
  try {
    stores = await openStores({
      cwd: options.cwd,
      txstore: values.txstore,
      subtreestore: values.subtreestore,
      signal: options.signal,
    });
  } catch (err) {
    console.error(`import: cannot open the stores: ${(err as Error).message}`);
    return 1;
  }
  const progress = createProgress(positionals.length, "inputs");
  try {
    const report = await importFiles({
      files: positionals,
      txStore: stores.txStore,
      blobStore: stores.blobStore,
      subtreeSize,
      keepSubtreeData: values["keep-subtree-data"] ?? false,
      maxTxBytes: stores.settings.max_tx_bytes,
      signal: options.signal,
      onProgress: ({ done, total, file }) => {
        progress.setTotal(total);
        progress.update(done, file.split("/").pop());
      },
    });
    progress.stop();
    if (values.json) {
      console.log(
        JSON.stringify({
          imported: report.imported,
          failed: report.failed.map((e) => ({ file: e.file, offset: e.offset, code: e.code, message: e.message })),
        }),
      );
    } else for (const u of report.imported) console.log(`imported ${u.summary}`);
    for (const e of report.failed) console.error(`import failed: ${e.message}`);
    return report.failed.length > 0 ? 1 : 0;
  } catch (err) {
    progress.stop();
    console.error(`import: ${(err as Error).message}`);
    return 1;
  } finally {
    await stores.close();
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      "subtree-size": { type: "string" },
      "keep-subtree-data": { type: "boolean" },
      json: { type: "boolean" },
      txstore: { type: "string" },
      subtreestore: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

if (import.meta.main) process.exit(await run(process.argv.slice(2)));
