import { HttpRetryError, type HttpRetryErrorOptions } from "./http-retry-error.ts";

/** What a transport failure knows. */
export interface NetworkErrorInit extends HttpRetryErrorOptions {
  url: string;
  method: string;
  /** True when our own timeout (`timeoutMs` or `totalTimeoutMs`) ended the request. */
  timedOut?: boolean;
  message?: string;
}

/**
 * No usable HTTP response at all: refused or reset connection, DNS failure, TLS failure, or a
 * timeout. `cause` is the runtime's original error.
 *
 * @example
 * ```ts
 * if (err instanceof NetworkError) console.log(err.timedOut ? "too slow" : "unreachable", err.cause)
 * ```
 */
export class NetworkError extends HttpRetryError {
  override name = "NetworkError";
  declare readonly code: "NETWORK";
  readonly url: string;
  readonly method: string;
  readonly timedOut: boolean;

  constructor(init: NetworkErrorInit) {
    super("NETWORK", init.message ?? `${init.method} ${init.url} failed: no HTTP response`, init);
    this.url = init.url;
    this.method = init.method;
    this.timedOut = init.timedOut ?? false;
  }
}
