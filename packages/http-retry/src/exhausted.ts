import type { HttpError } from "./errors/http-error.ts";
import type { HttpRetryError } from "./errors/http-retry-error.ts";
import { HttpStatusError } from "./errors/http-status-error.ts";
import { NetworkError } from "./errors/network-error.ts";
import { ServiceUnavailableError } from "./errors/service-unavailable-error.ts";
import { TooManyRequestsError } from "./errors/too-many-requests-error.ts";

/**
 * The error for a call that used all its attempts: a fresh error of the same kind as the last
 * rejection (so `instanceof ServiceUnavailableError` still holds), with `attempts` and the last
 * rejection as `cause`.
 */
export function exhausted(last: HttpRetryError, attempts: number): HttpRetryError {
  if (last instanceof NetworkError)
    return new NetworkError({
      url: last.url,
      method: last.method,
      timedOut: last.timedOut,
      attempts,
      cause: last,
      message: `${last.method} ${last.url} still failing after ${attempts} attempts: ${last.message}`,
    });
  const http = last as HttpError;
  const init = {
    url: http.url,
    method: http.method,
    bodySnippet: http.bodySnippet,
    retryAfterMs: http.retryAfterMs,
    attempts,
    cause: last,
    message: `${http.method} ${http.url} still ${http.status} after ${attempts} attempts`,
  };
  if (http.code === "SERVICE_UNAVAILABLE") return new ServiceUnavailableError(init);
  if (http.code === "TOO_MANY_REQUESTS") return new TooManyRequestsError(init);
  return new HttpStatusError({ ...init, status: http.status });
}
