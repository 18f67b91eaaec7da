/** `LOCK_FAILED`: the build lock could not be queried or taken (Postgres unreachable). */
export type ScaleOutErrorCode = "LOCK_FAILED";

export class ScaleOutError extends Error {
  override name = "ScaleOutError" as const;
  readonly code: ScaleOutErrorCode;
  constructor(code: ScaleOutErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
