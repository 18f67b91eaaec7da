import { readdir, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { TEMP_FILE_RE } from "./temp-name.ts";

/** Options of {@link sweepTempFiles}. */
export interface SweepTempFilesOptions {
  /**
   * Only remove temp files last modified at least this long ago. Default 0 (all), right for a
   * single process at start-up; on a directory shared by replicas, use more than the longest
   * build so a live build of another replica is not deleted under it.
   */
  olderThanMs?: number;
  signal?: AbortSignal;
}

/**
 * Removes temp files (`.<name>.<random>.tmp`) that a crash left in `dir`; returns how many.
 * A missing directory counts as clean.
 *
 * @example
 * ```ts
 * const removed = await sweepTempFiles(blobDir, { olderThanMs: 10 * 60_000 });
 * ```
 */
export async function sweepTempFiles(dir: string, options: SweepTempFilesOptions = {}): Promise<number> {
  const { olderThanMs = 0, signal } = options;
  signal?.throwIfAborted();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
  const cutoff = Date.now() - olderThanMs;
  let removed = 0;
  for (const name of names) {
    if (!TEMP_FILE_RE.test(name)) continue;
    signal?.throwIfAborted();
    const path = join(dir, name);
    try {
      const st = await stat(path);
      if (!st.isFile() || (olderThanMs > 0 && st.mtimeMs > cutoff)) continue;
      await unlink(path);
      removed++;
    } catch (error) {
      // Removed meanwhile (its writer committed or aborted): nothing to do.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  return removed;
}
