import { HttpError, type HttpErrorInit } from "./http-error.ts";

/**
 * HTTP 404: the resource does not exist on this server; try another peer, never retry here.
 *
 * @example
 * ```ts
 * if (err instanceof NotFoundError) console.log(err.status === 404, err.code === "NOT_FOUND")
 * ```
 */
export class NotFoundError extends HttpError {
  override name = "NotFoundError";
  declare readonly code: "NOT_FOUND";
  declare readonly status: 404;

  constructor(init: Omit<HttpErrorInit, "status">) {
    super("NOT_FOUND", { ...init, status: 404 });
  }
}
