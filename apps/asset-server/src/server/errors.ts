/**
 * - `BAD_REQUEST`: a parameter or body is malformed (bad hash, bad offset, body not n×32).
 * - `NOT_FOUND`: the subtree, tx or block is not stored (or a subtree has nothing to serve).
 * - `PAYLOAD_TOO_LARGE`: a batch asks for more txs than `asset_max_batch_txs`.
 * - `UNAVAILABLE`: admission control said no (create cap full, reader wait timed out, shutting down).
 * - `INTERNAL`: the stores failed, or txs of a subtree are missing from the tx store.
 */
export type AssetHttpErrorCode = "BAD_REQUEST" | "NOT_FOUND" | "PAYLOAD_TOO_LARGE" | "UNAVAILABLE" | "INTERNAL";

const STATUS: Record<AssetHttpErrorCode, 400 | 404 | 413 | 503 | 500> = {
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** Reference metric label for a status (`operation` of `teranode_asset_http_*`). */
export const STATUS_TEXT: Record<number, string> = {
  200: "200",
  400: "Bad Request",
  404: "Not Found",
  413: "Payload Too Large",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/**
 * An error with an HTTP status, rendered as JSON `{"message"}` by the app's error handler.
 * `retryAfterS` adds `Retry-After` (503 only: RFC 9110 §10.2.3 lets a client wait instead of fail).
 */
export class AssetHttpError extends Error {
  override name = "AssetHttpError" as const;
  readonly code: AssetHttpErrorCode;
  readonly status: 400 | 404 | 413 | 503 | 500;
  readonly retryAfterS: number | undefined;
  constructor(code: AssetHttpErrorCode, message: string, options?: { cause?: unknown; retryAfterS?: number }) {
    super(message, options);
    this.code = code;
    this.status = STATUS[code];
    this.retryAfterS = options?.retryAfterS;
  }
}

/** JSON error response; the one shape every route uses. */
export function errorResponse(err: AssetHttpError): Response {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (err.retryAfterS !== undefined) headers["retry-after"] = String(err.retryAfterS);
  return new Response(JSON.stringify({ message: err.message }), { status: err.status, headers });
}
