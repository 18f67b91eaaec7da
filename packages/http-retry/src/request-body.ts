/** RFC 9110 §9.2.2: methods whose repetition has the same effect as one request (and safe ones). */
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

/**
 * True when fetch can send `body` again on a later attempt: it re-extracts these on each call.
 * A stream (or async iterable) is consumed by the first attempt and cannot be replayed.
 */
export function isResendableBody(body: unknown): boolean {
  return (
    body == null ||
    typeof body === "string" ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    body instanceof URLSearchParams ||
    (typeof Blob !== "undefined" && body instanceof Blob) ||
    (typeof FormData !== "undefined" && body instanceof FormData)
  );
}

/** The upper-case method of a fetch call (a Request's own method unless `init` overrides it). */
export function requestMethod(input: string | URL | Request, init?: RequestInit): string {
  const method = init?.method ?? (input instanceof Request ? input.method : "GET");
  return method.toUpperCase();
}

/** The URL of a fetch call, without credentials, for messages. */
export function requestUrl(input: string | URL | Request): string {
  const raw = input instanceof Request ? input.url : String(input);
  try {
    const url = new URL(raw);
    url.username = "";
    url.password = "";
    return url.href;
  } catch {
    return raw;
  }
}

/**
 * Throws a `TypeError` when this call could need a retry it cannot perform safely: a
 * non-idempotent method without `retryNonIdempotent`, or a body that cannot be sent twice.
 * With `maxAttempts` 1 nothing is ever repeated, so anything goes.
 */
export function assertRetryable(
  input: string | URL | Request,
  init: RequestInit | undefined,
  maxAttempts: number,
  retryNonIdempotent: boolean,
): void {
  if (maxAttempts <= 1) return;
  const method = requestMethod(input, init);
  const body = init && "body" in init ? init.body : input instanceof Request ? input.body : null;
  if (!isResendableBody(body))
    throw new TypeError(
      `fetchWithRetry: a ${method} with a stream body cannot be retried (the first attempt consumes it); ` +
        "pass the body as string, Uint8Array or ArrayBuffer, or set maxAttempts: 1",
    );
  if (!IDEMPOTENT.has(method) && !retryNonIdempotent)
    throw new TypeError(
      `fetchWithRetry: ${method} is not idempotent, so repeating it may repeat its effect; ` +
        "set retryNonIdempotent: true if the server treats it as safe to repeat, or maxAttempts: 1",
    );
}
