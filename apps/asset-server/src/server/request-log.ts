import type { Logger } from "pino";
import { writeRequestLine } from "./logger.ts";

/**
 * One log line per request, written when the response is really over: at once for a
 * materialised body, at the end of the stream for a streamed one (`defer()`), so the line carries
 * the bytes actually sent and how the stream ended.
 */
export class RequestLog {
  readonly #start: number;
  #deferred = false;
  #written = false;
  outcome = "ok";
  constructor(
    readonly logger: Logger,
    readonly method: string,
    readonly path: string,
    /** When the request arrived (`performance.now()`), if before this line was created. */
    start = performance.now(),
  ) {
    this.#start = start;
  }

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
    logRequest(this.logger, this.method, this.path, status, bytes, this.#start, outcome, error);
  }
}

/**
 * The request line: `method, path, status, bytes, durationMs, outcome[, err][, client, unlogged]`.
 * 503s are admission control working as designed (info); 500s and aborted streams are not (warn).
 * A 429 names its client (the key its buckets are kept under) and how many of its refusals since
 * its last line were left out of the log.
 */
export function logRequest(
  logger: Logger,
  method: string,
  path: string,
  status: number,
  bytes: number | undefined,
  start: number,
  outcome: string,
  error?: unknown,
  limited?: { readonly client: string; readonly unlogged: number },
): void {
  const level = (status >= 500 && status !== 503) || outcome === "failed" ? 40 : 30;
  if (logger.levelVal > level) return; // filtered out (pino would drop it too): build nothing
  const durationMs = Math.round((performance.now() - start) * 10) / 10;
  const err = error ? (error instanceof Error ? error.message : String(error)) : undefined;
  const fields =
    `"method":${jsonString(method)},"path":${jsonString(path)},"status":${status}` +
    `${bytes === undefined ? "" : `,"bytes":${bytes}`},"durationMs":${durationMs},"outcome":${jsonString(outcome)}` +
    `${err === undefined ? "" : `,"err":${JSON.stringify(err)}`}` +
    `${limited === undefined ? "" : `,"client":${jsonString(limited.client)},"unlogged":${limited.unlogged}`}`;
  if (writeRequestLine(logger, level, fields)) return;
  const line = {
    method,
    path,
    status,
    bytes,
    durationMs,
    outcome,
    ...(err === undefined ? {} : { err }),
    ...(limited === undefined ? {} : { client: limited.client, unlogged: limited.unlogged }),
  };
  if (level === 40) logger.warn(line, "request");
  else logger.info(line, "request");
}

/** Characters a JSON string may hold as they are (no quote, backslash, control or lone surrogate). */
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** `JSON.stringify` of a string, skipped for the common plain path (it was ~10% of a logged 503). */
function jsonString(s: string): string {
  return PLAIN.test(s) ? `"${s}"` : JSON.stringify(s);
}
