import { anySignal } from "./any-signal.ts";
import type { HttpRetryError } from "./errors/http-retry-error.ts";
import { NetworkError } from "./errors/network-error.ts";
import { MAX_TIMER_MS } from "./race-abort.ts";
import { isRejectedResponse, toHttpError } from "./to-http-error.ts";

/** Everything one attempt needs. */
export interface AttemptContext {
  input: string | URL | Request;
  init: RequestInit | undefined;
  method: string;
  url: string;
  /** The caller's signal combined with the total timeout. */
  callSignal: AbortSignal;
  timeoutMs: number;
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  now: () => number;
}

/** A usable response, or the typed error of a rejected attempt. */
export type AttemptResult = { ok: true; response: Response } | { ok: false; error: HttpRetryError };

/**
 * One request. Rejects only with `callSignal.reason` (the caller gave up); every other failure
 * comes back as a typed error, with a rejected response's body already drained.
 */
export async function attempt(ctx: AttemptContext): Promise<AttemptResult> {
  // The per-attempt timer stays linked to the returned body, so it also bounds the caller's
  // read of a streamed body, as the reference's streaming timeout does. It is unref'd.
  // Beyond what a timer can hold (Infinity included) there is no per-attempt timeout: Node would
  // otherwise fire an overflowing delay after 1 ms.
  const timeout = ctx.timeoutMs <= MAX_TIMER_MS ? AbortSignal.timeout(ctx.timeoutMs) : undefined;
  const signal = timeout ? anySignal([ctx.callSignal, timeout]) : ctx.callSignal;
  let response: Response;
  try {
    response = await ctx.fetch(ctx.input, { ...ctx.init, signal });
  } catch (cause) {
    if (ctx.callSignal.aborted) throw ctx.callSignal.reason;
    const timedOut = timeout?.aborted ?? false;
    return {
      ok: false,
      error: new NetworkError({
        url: ctx.url,
        method: ctx.method,
        timedOut,
        cause,
        message: timedOut
          ? `${ctx.method} ${ctx.url} got no response within timeoutMs=${ctx.timeoutMs}`
          : `${ctx.method} ${ctx.url} failed: ${(cause as Error)?.message ?? String(cause)}`,
      }),
    };
  }
  if (!isRejectedResponse(response)) return { ok: true, response };
  const error = await toHttpError(response, { method: ctx.method, url: ctx.url, now: ctx.now(), signal });
  if (ctx.callSignal.aborted) throw ctx.callSignal.reason;
  return { ok: false, error };
}
