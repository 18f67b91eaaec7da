import { SubtreeStreamError } from "../errors.ts";

/**
 * Why following a file written by another process stopped (see `pollingFollowable`):
 * - `WRITER_GONE`: the writer stopped (`writerAlive()` returned false, or its temp file vanished)
 *   and published no final file: the write will never finish. Before the first byte, a caller
 *   may take the write over.
 * - `FOLLOW_TIMEOUT`: no new byte and no final file for `idleTimeoutMs`. The writer may still be
 *   alive but stuck: tell the client to come back later rather than take over.
 */
export type FollowErrorCode = "WRITER_GONE" | "FOLLOW_TIMEOUT";

/**
 * A follow of another process's file ended without its complete body; `path` is the final path
 * followed. The follower stream errors with it (never a clean, short end).
 *
 * @example
 * ```ts
 * try { first = await reader.read(); }
 * catch (e) { if (e instanceof FollowError && e.code === "WRITER_GONE") return takeOver(); throw e; }
 * ```
 */
export class FollowError extends SubtreeStreamError {
  override name = "FollowError" as const;
  declare readonly code: FollowErrorCode;
  /** The final path of the file that was followed. */
  readonly path: string;
  constructor(code: FollowErrorCode, path: string, message: string, options?: { cause?: unknown }) {
    super(code, `${message}: ${path}`, options);
    this.path = path;
  }
}
