import { drainBody } from "./drain-body.ts";
import type { HttpError } from "./errors/http-error.ts";
import { HttpStatusError } from "./errors/http-status-error.ts";
import { NotFoundError } from "./errors/not-found-error.ts";
import { ServiceUnavailableError } from "./errors/service-unavailable-error.ts";
import { TooManyRequestsError } from "./errors/too-many-requests-error.ts";
import { parseRetryAfter } from "./parse-retry-after.ts";

/** Context `toHttpError` cannot read from a `Response`. */
export interface ToHttpErrorOptions {
  /** Method of the request. Default `"GET"` (a `Response` does not know it). */
  method?: string;
  /** URL for the message. Default `response.url`. */
  url?: string;
  /** Clock for HTTP-date `Retry-After` values. Default `Date.now()`. */
  now?: number;
  /** Stops reading the body early. */
  signal?: AbortSignal;
}

/**
 * True when a response is not usable: a non-2xx status, or a 2xx with an HTML content type
 * (the reference treats HTML where binary data was expected as a wrong URL).
 */
export function isRejectedResponse(response: Response): boolean {
  return !response.ok || isHtml(response);
}

function isHtml(response: Response): boolean {
  return (response.headers.get("content-type") ?? "").trim().toLowerCase().startsWith("text/html");
}

/**
 * Builds the typed error for a rejected `response` and consumes (or cancels) its body, so its
 * connection can be reused. 404 → `NotFoundError`, 503 → `ServiceUnavailableError`,
 * 429 → `TooManyRequestsError`, anything else → `HttpStatusError`. `retryAfterMs` comes from a
 * usable `Retry-After` header.
 *
 * @example
 * ```ts
 * const res = await fetch(url)
 * if (isRejectedResponse(res)) throw await toHttpError(res, { method: "GET" })
 * ```
 */
export async function toHttpError(response: Response, options: ToHttpErrorOptions = {}): Promise<HttpError> {
  const bodySnippet = await drainBody(response, options.signal);
  const init = {
    status: response.status,
    url: options.url ?? response.url,
    method: (options.method ?? "GET").toUpperCase(),
    bodySnippet,
    retryAfterMs: parseRetryAfter(response.headers.get("retry-after"), options.now ?? Date.now()),
  };
  if (response.ok)
    return new HttpStatusError({
      ...init,
      message: `${init.method} ${init.url} returned HTML where binary was expected: wrong URL? (status ${init.status})`,
    });
  switch (response.status) {
    case 404:
      return new NotFoundError(init);
    case 503:
      return new ServiceUnavailableError(init);
    case 429:
      return new TooManyRequestsError(init);
    default:
      return new HttpStatusError(init);
  }
}
