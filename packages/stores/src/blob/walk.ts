import type { Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";

/**
 * Every directory that can hold blobs: the root and its direct subdirectories (the hash-prefix
 * shards). The layout is never deeper, so nothing else is visited.
 */
export async function* blobDirs(root: string, signal?: AbortSignal): AsyncGenerator<string> {
  yield root;
  let entries: Dirent[];
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  for (const e of entries) {
    signal?.throwIfAborted();
    if (e.isDirectory()) yield join(root, e.name);
  }
}

/** File names in `dir`, or none when it vanished meanwhile. */
export async function fileNames(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}
