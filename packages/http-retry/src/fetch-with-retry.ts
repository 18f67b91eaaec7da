import { anySignal } from "./any-signal.ts";
import { attempt } from "./attempt.ts";
import { backoffDelay, retryAfterDelay } from "./backoff.ts";
import { NetworkError } from "./errors/network-error.ts";
import { exhausted } from "./exhausted.ts";
import { checkOptions, type RetryOptions } from "./options.ts";
import { MAX_TIMER_MS, raceAbort } from "./race-abort.ts";
import { assertRetryable, requestMethod, requestUrl } from "./request-body.ts";
import { sleep as realSleep } from "./sleep.ts";

/**
 * `fetch` that retries only what a busy server asks to be retried: by default a 503, with
 * exponential backoff (250 ms doubling to 5 s, 6 attempts), `Retry-After` honoured (seconds or
 * HTTP-date) up to `maxRetryAfterMs`, jitter, an optional shared `RetryBudget`, and immediate
 * cancellation through `signal`.
 *
 * Resolves with the successful attempt's `Response`, body unread. Rejects with a typed error
 * (`NotFoundError`, `ServiceUnavailableError`, `TooManyRequestsError`, `HttpStatusError`,
 * `NetworkError`), or with `signal.reason` when the caller aborts. Every rejected attempt's body
 * is drained before sleeping so its connection is reused.
 *
 * @example
 * ```ts
 * const res = await fetchWithRetry(`${peer}/api/v1/subtree_data/${hash}`, undefined, {
 *   signal: AbortSignal.timeout(60_000),
 * })
 * for await (const chunk of res.body!) handle(chunk)
 * ```
 */
export async function fetchWithRetry(
  input: string | URL | Request,
  init?: RequestInit,
  options: RetryOptions = {},
): Promise<Response> {
  checkOptions(options);
  const maxAttempts = options.maxAttempts ?? 6;
  assertRetryable(input, init, maxAttempts, options.retryNonIdempotent ?? false);
  const retryOn = options.retryOn ?? [503];
  const hinted = options.retryWhenHinted ?? [];
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  const backoff = {
    initialDelayMs: options.initialDelayMs ?? 250,
    maxDelayMs: options.maxDelayMs ?? 5000,
    jitter: options.jitter ?? "equal",
    random: options.random ?? Math.random,
  };
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const method = requestMethod(input, init);
  const url = requestUrl(input);

  const total = new AbortController();
  const parents = [options.signal, init?.signal ?? undefined, input instanceof Request ? input.signal : undefined];
  const callSignal = anySignal([...parents.filter((s): s is AbortSignal => s != null), total.signal]);
  callSignal.throwIfAborted();
  let attempts = 0;
  const timer =
    options.totalTimeoutMs === undefined || options.totalTimeoutMs > MAX_TIMER_MS
      ? undefined
      : setTimeout(() => {
          const reason = new NetworkError({
            url,
            method,
            timedOut: true,
            cause: new DOMException("totalTimeoutMs elapsed", "TimeoutError"),
            message: `${method} ${url} got no usable response within totalTimeoutMs=${options.totalTimeoutMs}`,
          });
          total.abort(reason);
        }, options.totalTimeoutMs);

  try {
    options.budget?.recordRequest();
    for (attempts = 1; ; attempts++) {
      if (options.beforeAttempt)
        await raceAbort(options.beforeAttempt({ attempt: attempts, signal: callSignal }), callSignal);
      const result = await attempt({
        input,
        init,
        method,
        url,
        callSignal,
        timeoutMs: options.timeoutMs ?? 300_000,
        fetch: options.fetch ?? globalThis.fetch,
        now,
      });
      if (result.ok) return result.response;
      const error = result.error;
      error.attempts = attempts;
      const retryable =
        error.code === "NETWORK"
          ? (options.retryNetworkErrors ?? false)
          : retryOn.includes((error as { status?: number }).status ?? 0) ||
            (error.retryAfterMs !== undefined && hinted.includes((error as { status?: number }).status ?? 0));
      if (!retryable) throw error;
      if (attempts >= maxAttempts) throw exhausted(error, attempts);
      const hint = error.retryAfterMs;
      // A long hint means "not soon": fail now so the caller can try another peer (issue 3).
      if (hint !== undefined && hint > maxRetryAfterMs) throw error;
      if (options.budget && !options.budget.tryRetry()) {
        error.budgetExhausted = true;
        throw error;
      }
      const delayMs =
        hint !== undefined
          ? retryAfterDelay(hint, backoff.jitter, backoff.random, maxRetryAfterMs)
          : backoffDelay(attempts, backoff);
      options.onRetry?.({ attempt: attempts, delayMs, error });
      await sleep(delayMs, callSignal);
    }
  } catch (err) {
    // The total timeout's reason is our own NetworkError: say how far the call got.
    if (err instanceof NetworkError && err === total.signal.reason) err.attempts = attempts;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
