import type { Logger } from "pino";

/**
 * One log line per request, written when the response is really over: at once for a
 * materialised body, at the end of the stream for a streamed one (`defer()`), so the line carries
 * the bytes actually sent and how the stream ended.
 */
export class RequestLog {
  readonly #start = performance.now();
  #deferred = false;
  #written = false;
  outcome = "ok";
  constructor(
    readonly logger: Logger,
    readonly method: string,
    readonly path: string,
  ) {}

  /** A streamed response: the line is written by `end()`. */
  defer(): void {
    this.#deferred = true;
  }

  get deferred(): boolean {
    return this.#deferred;
  }

  end(status: number, bytes: number | undefined, outcome = this.outcome, error?: unknown): void {
    if (this.#written) return;
    this.#written = true;
    const line = {
      method: this.method,
      path: this.path,
      status,
      bytes,
      durationMs: Math.round((performance.now() - this.#start) * 10) / 10,
      outcome,
      ...(error ? { err: error instanceof Error ? error.message : String(error) } : {}),
    };
    // 503s are admission control working as designed (info); 500s and aborted streams are not.
    if ((status >= 500 && status !== 503) || outcome === "failed") this.logger.warn(line, "request");
    else this.logger.info(line, "request");
  }
}
