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
