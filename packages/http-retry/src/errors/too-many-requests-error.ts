import { HttpError, type HttpErrorInit } from "./http-error.ts";

/**
 * HTTP 429: the server rate-limits this client; retried only when `retryOn` includes 429.
 *
 * @example
 * ```ts
 * if (err instanceof TooManyRequestsError) console.log(err.status === 429, err.code === "TOO_MANY_REQUESTS")
 * ```
 */
export class TooManyRequestsError extends HttpError {
  override name = "TooManyRequestsError";
  declare readonly code: "TOO_MANY_REQUESTS";
  declare readonly status: 429;

  constructor(init: Omit<HttpErrorInit, "status">) {
    super("TOO_MANY_REQUESTS", { ...init, status: 429 });
  }
}
