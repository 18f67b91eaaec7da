import { stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { sweepTempFiles, TEMP_FILE_RE } from "@subtreekit/subtree-stream/bun";
import { StorageError } from "../errors/storage-error.ts";
import { dahPath, ignoreMissing, readDah } from "./dah.ts";
import { blobDirs, fileNames } from "./walk.ts";

/** Options of {@link pruneExpired}. */
export interface PruneOptions {
  signal?: AbortSignal | undefined;
  /**
   * Called with each expired blob's path before it is unlinked, e.g. a tx store's `releaseFile`,
   * which re-homes the txs located in it. If it throws, the blob and its side files are kept.
   */
  beforeUnlink?: ((path: string, signal: AbortSignal | undefined) => Promise<unknown>) | undefined;
}

/**
 * Deletes every blob whose DAH is at or below `currentHeight`, with its `.dah` and `.sha256`
 * side files; returns how many blobs were pruned. A `.dah` that cannot be parsed is left alone
 * (deleting on a guess could lose a permanent file); the others are still pruned. A blob whose
 * `beforeUnlink` fails is kept and the others still pruned; then a `RELEASE_FAILED`
 * {@link StorageError} naming the kept blobs is thrown at the end.
 */
export async function pruneExpired(root: string, currentHeight: number, options: PruneOptions = {}): Promise<number> {
  if (!Number.isSafeInteger(currentHeight) || currentHeight < 0) {
    throw new TypeError(`currentHeight must be a non-negative integer, got ${String(currentHeight)}`);
  }
  const { signal, beforeUnlink } = options;
  let pruned = 0;
  const kept: { blob: string; err: unknown }[] = [];
  for await (const dir of blobDirs(root, signal)) {
    for (const name of await fileNames(dir)) {
      if (!name.endsWith(".dah") || name.startsWith(".")) continue;
      signal?.throwIfAborted();
      const blob = join(dir, name.slice(0, -".dah".length));
      const dah = await readDah(blob).catch(() => 0);
      if (dah === 0 || dah > currentHeight) continue;
      if (beforeUnlink) {
        try {
          await beforeUnlink(blob, signal);
        } catch (err) {
          signal?.throwIfAborted();
          // Kept with its `.dah`: the next run tries again, and nothing points at a deleted file.
          kept.push({ blob, err });
          continue;
        }
      }
      // Blob first, `.dah` last: a crash in between leaves a `.dah` that the next run retries.
      await unlink(blob).catch(ignoreMissing);
      await unlink(`${blob}.sha256`).catch(ignoreMissing);
      await unlink(dahPath(blob)).catch(ignoreMissing);
      pruned++;
    }
  }
  if (kept.length > 0) throw releaseFailed(kept, pruned);
  return pruned;
}

function releaseFailed(kept: { blob: string; err: unknown }[], pruned: number): StorageError {
  const first = kept[0]!;
  const names = kept.slice(0, 5).map((k) => `${k.blob} (${String(k.err)})`);
  if (kept.length > 5) names.push(`and ${kept.length - 5} more`);
  return new StorageError(
    "RELEASE_FAILED",
    `pruned ${pruned} expired blobs but kept ${kept.length} whose beforeUnlink failed: ${names.join("; ")}`,
    { cause: kept.length === 1 ? first.err : new AggregateError(kept.map((k) => k.err)), file: first.blob },
  );
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

/**
 * Removes `.dah` files whose blob does not exist and returns how many: a writer records the DAH
 * before publishing, so one killed mid-build leaves its `.dah` with no blob beside it.
 * `olderThanMs` > 0 is for a blob directory shared by replicas, where such a `.dah` may be
 * another replica's live build: see {@link isLiveBuild}.
 */
export async function sweepOrphanDahFiles(root: string, olderThanMs = 0, signal?: AbortSignal): Promise<number> {
  const cutoff = Date.now() - olderThanMs;
  let swept = 0;
  for await (const dir of blobDirs(root, signal)) {
    const names = await fileNames(dir);
    const present = new Set(names);
    for (const name of names) {
      if (!name.endsWith(".dah") || name.startsWith(".")) continue;
      signal?.throwIfAborted();
      const blobName = name.slice(0, -".dah".length);
      if (present.has(blobName)) continue;
      const file = join(dir, name);
      if (olderThanMs > 0 && (await isLiveBuild(file, blobName, names, cutoff))) continue;
      // Published since the listing (a writer committing now): the `.dah` is its retention.
      if (await isFile(join(dir, blobName))) continue;
      try {
        await unlink(file);
        swept++;
      } catch (err) {
        ignoreMissing(err);
      }
    }
  }
  return swept;
}

/**
 * Whether a blob-less `.dah` may belong to a build in progress on another replica. A writer
 * creates its temp file before the `.dah` and keeps it until the blob is published, so a temp
 * for the blob means live; a young `.dah` (temp not listed yet, or a build just starting) too.
 */
async function isLiveBuild(dahFile: string, blobName: string, names: string[], cutoff: number): Promise<boolean> {
  if (names.some((n) => n.startsWith(`.${blobName}.`) && TEMP_FILE_RE.test(n))) return true;
  const st = await stat(dahFile).catch((err) => ignoreMissing(err));
  return st === undefined || st.mtimeMs > cutoff;
}

async function isFile(path: string): Promise<boolean> {
  const st = await stat(path).catch((err) => ignoreMissing(err));
  return st?.isFile() ?? false;
}
