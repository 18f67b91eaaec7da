export { type BackoffOptions, backoffDelay, type Jitter, retryAfterDelay } from "./backoff.ts";
export { BodyTooLargeError } from "./errors/body-too-large-error.ts";
export {
  findHttpRetryError,
  isBodyTooLarge,
  isHttpError,
  isHttpRetryError,
  isHttpStatusError,
  isNetworkError,
  isNotFound,
  isServiceUnavailable,
  isTooManyRequests,
} from "./errors/guards.ts";
export { HttpError, type HttpErrorInit } from "./errors/http-error.ts";
export { HttpRetryError, type HttpRetryErrorCode, type HttpRetryErrorOptions } from "./errors/http-retry-error.ts";
export { HttpStatusError } from "./errors/http-status-error.ts";
export { NetworkError, type NetworkErrorInit } from "./errors/network-error.ts";
export { NotFoundError } from "./errors/not-found-error.ts";
export { ServiceUnavailableError } from "./errors/service-unavailable-error.ts";
export { TooManyRequestsError } from "./errors/too-many-requests-error.ts";
export { fetchWithRetry } from "./fetch-with-retry.ts";
export { parseHttpDate } from "./http-date.ts";
export type { RetryOptions } from "./options.ts";
export { parseRetryAfter } from "./parse-retry-after.ts";
export { readBounded } from "./read-bounded.ts";
export { RetryBudget, type RetryBudgetOptions } from "./retry-budget.ts";
export { sleep } from "./sleep.ts";
export { isRejectedResponse, type ToHttpErrorOptions, toHttpError } from "./to-http-error.ts";
