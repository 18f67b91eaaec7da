import { HttpRetryError, type HttpRetryErrorOptions } from "./http-retry-error.ts";

/** What an HTTP error knows about the response that caused it. */
export interface HttpErrorInit extends HttpRetryErrorOptions {
  status: number;
  url: string;
  method: string;
  /** At most the first 1 KiB of the body, decoded as UTF-8: enough to debug, never the whole body. */
  bodySnippet?: string;
  /** Overrides the default message. */
  message?: string;
}

/** Longest piece of the body quoted in a message: keeps log lines readable. */
const MESSAGE_PREVIEW_CHARS = 200;

function defaultMessage(init: HttpErrorInit): string {
  const preview = (init.bodySnippet ?? "").slice(0, MESSAGE_PREVIEW_CHARS);
  // Quoted, so peer-controlled text is visibly peer text in logs.
  return `${init.method} ${init.url} returned status ${init.status}${preview ? ` with body ${JSON.stringify(preview)}` : ""}`;
}

/**
 * A response with a status the caller cannot use. Use a subclass (or its `code`) to tell
 * 404, 503, 429 and the rest apart.
 *
 * @example
 * ```ts
 * if (err instanceof HttpError) console.log(err.status, err.method, err.url, err.bodySnippet)
 * ```
 */
export class HttpError extends HttpRetryError {
  override name = "HttpError";
  declare readonly code: "NOT_FOUND" | "SERVICE_UNAVAILABLE" | "TOO_MANY_REQUESTS" | "HTTP_STATUS";
  readonly status: number;
  readonly url: string;
  readonly method: string;
  readonly bodySnippet: string;

  constructor(code: HttpError["code"], init: HttpErrorInit) {
    super(code, init.message ?? defaultMessage(init), init);
    this.status = init.status;
    this.url = init.url;
    this.method = init.method;
    this.bodySnippet = init.bodySnippet ?? "";
  }
}
