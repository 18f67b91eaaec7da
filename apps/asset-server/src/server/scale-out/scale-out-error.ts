/**
 * Why following another replica's build stopped:
 * - `BUILDER_GONE`: the lock holder's session ended (crash, kill -9, lost connection, aborted
 *   build) and no final file was published.
 * - `FILE_PUBLISHED`: the final file appeared before this follower sent a byte: serve the file.
 * - `FOLLOW_TIMEOUT`: no new byte for `asset_follow_remote_timeout_ms`.
 * - `LOCK_FAILED`: the lock could not be queried or taken (Postgres unreachable).
 */
export type ScaleOutErrorCode = "BUILDER_GONE" | "FILE_PUBLISHED" | "FOLLOW_TIMEOUT" | "LOCK_FAILED";

export class ScaleOutError extends Error {
  override name = "ScaleOutError" as const;
  readonly code: ScaleOutErrorCode;
  constructor(code: ScaleOutErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Before a follower sent its first byte, these mean "decide again" (take over, or serve the file). */
export function isRestart(error: unknown): boolean {
  const e = error as { name?: string; code?: string } | undefined;
  return e?.name === "ScaleOutError" && (e.code === "BUILDER_GONE" || e.code === "FILE_PUBLISHED");
}
