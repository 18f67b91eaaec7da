import { HttpError, type HttpErrorInit } from "./http-error.ts";

/**
 * Any other unusable response: a non-2xx status other than 404, 429 and 503 (400, 500, 502,
 * 504, ...), or a 2xx carrying HTML where binary data was expected (a wrong URL that landed on
 * a web page, as the reference detects).
 *
 * @example
 * ```ts
 * if (err instanceof HttpStatusError && err.status >= 500) console.log("server fault")
 * ```
 */
export class HttpStatusError extends HttpError {
  override name = "HttpStatusError";
  declare readonly code: "HTTP_STATUS";

  constructor(init: HttpErrorInit) {
    super("HTTP_STATUS", init);
  }
}
