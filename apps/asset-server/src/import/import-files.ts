import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseSubtree, toDisplayHex } from "@subtreekit/subtree-stream";
import { commitUnit, type ImportBlobStore, type ImportTxStore } from "./commit-unit.ts";
import { type DataInput, verifyDataInput } from "./data-input.ts";
import { dataOnlyUnit } from "./data-only-unit.ts";
import { type FileName, parseFileName } from "./file-name.ts";
import { ImportError } from "./import-error.ts";
import { modelBlockUnit, parseModelBlockFile, type SubtreeSource } from "./model-block-unit.ts";
import { readInput } from "./read-input.ts";
import { parseSubtreeInput } from "./subtree-input.ts";
import { planSubtree } from "./subtree-plan.ts";
import { txUnit } from "./tx-unit.ts";
import type { ImportUnit } from "./unit.ts";
import { isWireBlockOf, wireBlockUnit } from "./wire-block-unit.ts";

export interface ImportOptions {
  files: readonly string[];
  txStore: ImportTxStore;
  blobStore: ImportBlobStore;
  /** Nodes per subtree when splitting a wire block (a power of two). Default 1024. */
  subtreeSize?: number;
  /** Store a given subtree_data file as the `.subtreeData` blob (default: only its txs). */
  keepSubtreeData?: boolean;
  maxTxBytes?: number;
  signal?: AbortSignal;
  onProgress?: (p: { done: number; total: number; file: string }) => void;
}

export interface ImportedUnit {
  file: string;
  kind: ImportUnit["kind"];
  hash: string;
  summary: string;
  txs: number;
  blobsWritten: number;
  blobsKept: number;
}

export interface ImportReport {
  imported: ImportedUnit[];
  /** One error per input that was not stored (nothing of it was). */
  failed: ImportError[];
}

type Job = { file: string; name: FileName; build: () => Promise<ImportUnit> };

const beside = (file: string, hex: string, exts: string[]) =>
  exts.map((e) => join(dirname(file), `${hex}.${e}`)).find((p) => existsSync(p));

/**
 * Imports files of every kind `vectors/` holds (see the README's Commands). Each input is one
 * unit — a model block together with its subtree and subtree_data files (given, or found beside
 * the block), or one subtree (with its data if given), one data file, one wire block, one tx —
 * built and verified in full before one tx store transaction and atomic blob writes. A bad input is
 * reported with file and byte offset and leaves nothing behind; the others still import.
 *
 * @example
 * const { imported, failed } = await importFiles({ files, txStore, blobStore });
 */
export async function importFiles(options: ImportOptions): Promise<ImportReport> {
  const { txStore, blobStore, signal } = options;
  const subtreeSize = options.subtreeSize ?? 1024;
  if (!Number.isSafeInteger(subtreeSize) || subtreeSize < 2 || (subtreeSize & (subtreeSize - 1)) !== 0) {
    throw new RangeError(`subtree size must be a power of two ≥ 2, got ${subtreeSize}`);
  }
  const ctx = {
    keepSubtreeData: options.keepSubtreeData ?? false,
    txStore,
    maxTxBytes: options.maxTxBytes,
    signal,
  };
  const files = [...new Set(options.files.map((f) => resolve(f)))];
  const names = new Map(files.map((f) => [f, parseFileName(f)]));
  const given = (kind: FileName["kind"]) => {
    const m = new Map<string, string>();
    for (const [f, n] of names) if (n.kind === kind && n.hex) m.set(n.hex, f);
    return m;
  };
  const subtreeFiles = given("subtree");
  const dataFiles = given("subtreeData");
  const claimed = new Set<string>();
  const jobs: Job[] = [];
  const failed: ImportError[] = [];

  const readData = async (path: string | undefined, nodes: Uint8Array[]): Promise<DataInput | undefined> =>
    path ? verifyDataInput(path, await readInput(path, false, signal), nodes, ctx) : undefined;

  // Blocks first: they claim their subtree and data files, which are then not imported alone.
  for (const [file, name] of names) {
    if (name.kind !== "block") continue;
    let parsed: ReturnType<typeof parseModelBlockFile>;
    try {
      parsed = parseModelBlockFile(file, await readInput(file, false, signal), name.hash);
    } catch (err) {
      failed.push(toImportError(err, file));
      continue;
    }
    const parts = parsed.block.subtrees.map((h) => {
      const hex = toDisplayHex(h);
      const st = subtreeFiles.get(hex) ?? beside(file, hex, ["subtree", "subtreeToCheck"]);
      const data = dataFiles.get(hex) ?? beside(file, hex, ["subtree_data", "subtreeData"]);
      if (st) claimed.add(st);
      if (st && data) claimed.add(data);
      return { h, hex, st, data };
    });
    jobs.push({
      file,
      name,
      build: async () => {
        const sources: SubtreeSource[] = [];
        for (const p of parts) {
          if (p.st) {
            const input = parseSubtreeInput(p.st, await readInput(p.st, false, signal), p.h);
            sources.push({ kind: "file", input, data: await readData(p.data, input.nodes) });
          } else if (await blobStore.exists(p.h, "subtree", { signal })) {
            const stored = await blobStore.get(p.h, "subtree", { signal });
            sources.push({ kind: "stored", nodes: parseSubtree(stored as Uint8Array).nodes.map((n) => n.hash) });
          } else {
            throw new ImportError(
              "MISSING",
              file,
              0,
              `subtree ${p.hex} of the block is neither given, beside it, nor stored`,
            );
          }
        }
        return modelBlockUnit(file, parsed, sources, ctx);
      },
    });
  }
  for (const [file, name] of names) {
    if (claimed.has(file) || name.kind === "block") continue;
    if (name.kind === "subtree") {
      const data = name.hex ? dataFiles.get(name.hex) : undefined;
      if (data) claimed.add(data);
      jobs.push({ file, name, build: () => subtreeJob(file, name, data) });
    }
  }
  for (const [file, name] of names) {
    if (claimed.has(file) || name.kind === "block" || name.kind === "subtree") continue;
    jobs.push({
      file,
      name,
      build: async () => {
        const bytes = await readInput(file, name.hexText, signal);
        if (name.kind === "subtreeData") return dataJob(file, name, bytes);
        return otherJob(file, name, bytes);
      },
    });
  }

  async function subtreeJob(file: string, name: FileName, dataFile: string | undefined): Promise<ImportUnit> {
    const input = parseSubtreeInput(file, await readInput(file, false, signal), name.hash);
    const data = await readData(dataFile, input.nodes);
    const plan = await planSubtree(input, data, ctx);
    const form = input.full ? "full form" : "nodes-only";
    const note = plan.unknownNodes > 0 ? `, ${plan.unknownNodes} nodes without their tx (fee/size 0)` : "";
    return {
      file,
      files: dataFile ? [file, dataFile] : [file],
      kind: "subtree",
      hash: toDisplayHex(input.hash),
      txs: plan.txs,
      blobs: plan.blobs,
      summary: `subtree ${toDisplayHex(input.hash)} (${form}): ${input.nodes.length} nodes, ${plan.txs.length} txs stored${note}`,
    };
  }

  async function dataJob(file: string, name: FileName, bytes: Uint8Array): Promise<ImportUnit> {
    if (name.hash && (await blobStore.exists(name.hash, "subtree", { signal }))) {
      const stored = parseSubtree((await blobStore.get(name.hash, "subtree", { signal })) as Uint8Array);
      const data = await verifyDataInput(
        file,
        bytes,
        stored.nodes.map((n) => n.hash),
        ctx,
      );
      return {
        file,
        files: [file],
        kind: "subtree-data",
        hash: name.hex as string,
        txs: data.records,
        blobs: ctx.keepSubtreeData ? [{ hash: name.hash, type: "subtreeData", bytes: data.payload }] : [],
        summary: `subtree data of stored subtree ${name.hex}: ${data.records.length} txs stored`,
      };
    }
    return dataOnlyUnit(file, bytes, name.hash, ctx);
  }

  function otherJob(file: string, name: FileName, bytes: Uint8Array): ImportUnit {
    if (name.hash && isWireBlockOf(bytes, name.hash))
      return wireBlockUnit(file, bytes, name.hash, { subtreeSize, ...ctx });
    try {
      return txUnit(file, bytes, name.hash, ctx);
    } catch (txErr) {
      if (!name.hash) {
        try {
          return wireBlockUnit(file, bytes, undefined, { subtreeSize, ...ctx });
        } catch {
          // Report the tx reading: a file without a hash name is most likely a tx.
        }
      }
      const e = toImportError(txErr, file);
      const why = ((e.cause as Error | undefined) ?? e).message;
      throw new ImportError(
        "WRONG_KIND",
        file,
        e.offset,
        `neither a wire block whose header hashes to its name nor a single tx (as a tx: ${why})`,
        { cause: txErr },
      );
    }
  }

  const imported: ImportedUnit[] = [];
  const total = jobs.length + failed.length;
  let done = failed.length;
  for (const job of jobs) {
    signal?.throwIfAborted();
    options.onProgress?.({ done, total, file: job.file });
    try {
      const unit = await job.build();
      const { blobsWritten, blobsKept } = await commitUnit(unit, txStore, blobStore, signal);
      imported.push({
        file: unit.file,
        kind: unit.kind,
        hash: unit.hash,
        summary: unit.summary,
        txs: unit.txs.length,
        blobsWritten,
        blobsKept,
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      failed.push(toImportError(err, job.file));
    }
    done++;
  }
  options.onProgress?.({ done, total, file: "" });
  return { imported, failed };
}

function toImportError(err: unknown, file: string): ImportError {
  if (err instanceof ImportError) return err;
  return new ImportError("MALFORMED", file, 0, (err as Error).message ?? String(err), { cause: err });
}
