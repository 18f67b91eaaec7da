import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openBlobStore, openTxStore, type TxStore } from "@subtreekit/stores";
import type { BlobStoreLike } from "../types.ts";

export interface TempStores {
  dir: string;
  txStore: TxStore;
  blobStore: BlobStoreLike;
  /** Every file under the blob store, relative (temp files included). */
  files(): string[];
  close(): Promise<void>;
}

/** A real SQLite tx store and file blob store in a fresh temp folder. */
export async function tempStores(): Promise<TempStores> {
  const dir = mkdtempSync(join(tmpdir(), "stk-validator-"));
  const txStore = await openTxStore(`sqlite://${join(dir, "txstore.sqlite")}`);
  const blobStore = await openBlobStore(`file://${join(dir, "subtreestore")}`);
  return {
    dir,
    txStore,
    blobStore,
    files: () => listFiles(join(dir, "subtreestore")),
    close: async () => {
      await txStore.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function listFiles(root: string, prefix = ""): string[] {
  let out: string[] = [];
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(join(root, prefix), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out = out.concat(listFiles(root, rel));
    else out.push(rel);
  }
  return out.sort();
}
