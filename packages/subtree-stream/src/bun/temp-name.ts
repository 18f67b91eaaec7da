import { basename, dirname, join } from "node:path";

/**
 * Temp files are hidden siblings `.<name>.<random>.tmp`: same directory, so the final rename/link
 * never crosses a filesystem (EXDEV), and the same shape as the reference's file store, so one
 * sweep cleans up after either.
 */
export const TEMP_FILE_RE = /^\..+\.[0-9a-z]+\.tmp$/;

/** A fresh temp path beside `finalPath` (96 random bits; a clash is retried by the caller). */
export function tempPathFor(finalPath: string): string {
  const random = Array.from(crypto.getRandomValues(new Uint32Array(3)), (n) => n.toString(36)).join("");
  return join(dirname(finalPath), `.${basename(finalPath)}.${random}.tmp`);
}
