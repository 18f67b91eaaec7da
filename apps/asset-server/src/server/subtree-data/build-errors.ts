import { AssetHttpError } from "../errors.ts";

/**
 * Why a build was stopped from outside:
 * - `CLIENT_GONE`: its last reader (request or follower) left and finish-on-disconnect is off.
 * - `SHUTDOWN`: the server is shutting down and the grace period is over.
 * - `LEASE_LOST`: scale-out: the build lock's session died, so another replica may build it too.
 */
export type BuildAbortCode = "CLIENT_GONE" | "SHUTDOWN" | "LEASE_LOST";

export class BuildAbortedError extends Error {
  override name = "BuildAbortedError" as const;
  readonly code: BuildAbortCode;
  constructor(code: BuildAbortCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Thrown to requests when the server is shutting down (mapped to 503 + Retry-After). */
export class ShutdownError extends Error {
  override name = "ShutdownError" as const;
  readonly code = "SHUTDOWN" as const;
}

/**
 * The build a reader followed stopped before it sent this reader a byte and published nothing
 * (its replica died): the subtree is free to build again, so the request is admitted once more.
 */
export class BuildGoneError extends AssetHttpError {
  constructor(message: string, options: { cause?: unknown; retryAfterS: number }) {
    super("UNAVAILABLE", message, options);
  }
}
