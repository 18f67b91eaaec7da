import { HttpRetryError } from "./http-retry-error.ts";

/**
 * A body was longer than the caller allowed (`readBounded`). Reading stopped as soon as the
 * limit was passed, so a hostile or broken peer cannot make us buffer more.
 *
 * @example
 * ```ts
 * if (err instanceof BodyTooLargeError) console.log(`over ${err.maxBytes} bytes from ${err.url}`)
 * ```
 */
export class BodyTooLargeError extends HttpRetryError {
  override name = "BodyTooLargeError";
  declare readonly code: "BODY_TOO_LARGE";
  readonly maxBytes: number;
  readonly url: string;

  constructor(init: { maxBytes: number; url: string; cause?: unknown }) {
    super("BODY_TOO_LARGE", `body of ${init.url || "response"} is larger than ${init.maxBytes} bytes`, init);
    this.maxBytes = init.maxBytes;
    this.url = init.url;
  }
}
