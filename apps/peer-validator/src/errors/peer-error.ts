import { ValidatorError } from "./validator-error.ts";

/**
 * - `UNAVAILABLE`: 503 (or 429 with `--retry-429`) until the retries or the retry budget ran out.
 * - `NOT_FOUND`: 404: the peer does not have it.
 * - `HTTP_STATUS`: any other non-2xx status, or an HTML 200 (a bad base URL).
 * - `TIMEOUT`: an attempt (headers and body) took longer than its budget (`--timeout`, more for a
 *   large streamed body: see attemptBudgetMs).
 * - `STALLED`: no response headers, or no body byte, for `http_stall_timeout`; the peer is not
 *   asked again in this run (Teranode issue 1456).
 * - `NETWORK`: connection refused or reset, or the body broke off mid-transfer.
 */
export type PeerErrorCode = "UNAVAILABLE" | "NOT_FOUND" | "HTTP_STATUS" | "TIMEOUT" | "STALLED" | "NETWORK";

/**
 * A peer could not deliver a response. Not the peer's data being wrong (that is a
 * VerificationError): the run moves on to the next `--peer` without marking this one bad.
 */
export class PeerError extends ValidatorError {
  override name = "PeerError" as const;
  declare readonly code: PeerErrorCode;
  readonly peer: string;
  readonly url: string;
  readonly status: number | undefined;
  constructor(
    code: PeerErrorCode,
    message: string,
    where: { peer: string; url: string; status?: number },
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.peer = where.peer;
    this.url = where.url;
    this.status = where.status;
  }
}
