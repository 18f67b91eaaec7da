import { HttpError, type HttpErrorInit } from "./http-error.ts";

/**
 * HTTP 503: the server is saturated (admission control); retried by default.
 *
 * @example
 * ```ts
 * if (err instanceof ServiceUnavailableError) console.log(err.status === 503, err.code === "SERVICE_UNAVAILABLE")
 * ```
 */
export class ServiceUnavailableError extends HttpError {
  override name = "ServiceUnavailableError";
  declare readonly code: "SERVICE_UNAVAILABLE";
  declare readonly status: 503;

  constructor(init: Omit<HttpErrorInit, "status">) {
    super("SERVICE_UNAVAILABLE", { ...init, status: 503 });
  }
}
