import { unlink } from "node:fs/promises";
import { join } from "node:path";
import { sweepTempFiles } from "@subtreekit/subtree-stream/bun";
import { dahPath, ignoreMissing, readDah } from "./dah.ts";
import { blobDirs, fileNames } from "./walk.ts";

/**
 * Deletes every blob whose DAH is at or below `currentHeight`, with its `.dah` and `.sha256`
 * side files; returns how many blobs were pruned. A `.dah` that cannot be parsed is left alone
 * (deleting on a guess could lose a permanent file); the others are still pruned.
 */
export async function pruneExpired(root: string, currentHeight: number, signal?: AbortSignal): Promise<number> {
  if (!Number.isSafeInteger(currentHeight) || currentHeight < 0) {
    throw new TypeError(`currentHeight must be a non-negative integer, got ${String(currentHeight)}`);
  }
  let pruned = 0;
  for await (const dir of blobDirs(root, signal)) {
    for (const name of await fileNames(dir)) {
      if (!name.endsWith(".dah") || name.startsWith(".")) continue;
      signal?.throwIfAborted();
      const blob = join(dir, name.slice(0, -".dah".length));
      const dah = await readDah(blob).catch(() => 0);
      if (dah === 0 || dah > currentHeight) continue;
      // Blob first, `.dah` last: a crash in between leaves a `.dah` that the next run retries.
      await unlink(blob).catch(ignoreMissing);
      await unlink(`${blob}.sha256`).catch(ignoreMissing);
      await unlink(dahPath(blob)).catch(ignoreMissing);
      pruned++;
    }
  }
  return pruned;
}

/**
 * Removes temp files left by writers that died (`.<name>.<random>.tmp`) in every blob directory
 * and returns how many. `olderThanMs` spares recent ones: on a blob directory shared by several
 * replicas, another replica's build in progress looks exactly like a crashed one but for its age.
 */
export async function sweepBlobTempFiles(root: string, olderThanMs = 0, signal?: AbortSignal): Promise<number> {
  let swept = 0;
  for await (const dir of blobDirs(root, signal)) swept += await sweepTempFiles(dir, { olderThanMs, signal });
  return swept;
}
