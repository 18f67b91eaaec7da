import { StoresError } from "./stores-error.ts";

/**
 * - `BAD_HEADER`: a blob file does not start with its type's 8-byte magic (foreign or missing).
 * - `IO`: the file system or database failed underneath a request.
 * - `BAD_DAH`: a `.dah` side file does not hold a decimal height.
 * - `CLOSED`: the store was used after `close()`.
 * - `NOT_FOUND`: an operation that needs an existing blob (e.g. `setDAH`) found none.
 * - `MISSING_DATA`: a tx is stored by location and its file is gone or shorter than recorded.
 * - `RELEASE_FAILED`: pruning kept a blob because its `beforeUnlink` hook failed (e.g. the tx
 *   store could not re-home the txs located in it); `file` names the blob, `cause` says why.
 */
export type StorageErrorCode =
  | "BAD_HEADER"
  | "IO"
  | "BAD_DAH"
  | "CLOSED"
  | "NOT_FOUND"
  | "MISSING_DATA"
  | "RELEASE_FAILED";

/**
 * A stored object could not be read or written. The message names the file (or table) involved,
 * so an operator can find it; `cause` keeps the underlying error.
 *
 * @example
 * ```ts
 * try { await blobs.get(hash, "subtree"); }
 * catch (err) { if (err instanceof StorageError && err.code === "BAD_HEADER") quarantine(err.file); }
 * ```
 */
export class StorageError extends StoresError {
  override name = "StorageError" as const;
  declare readonly code: StorageErrorCode;
  /** The file or table involved, when there is one. */
  readonly file: string | undefined;
  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown; file?: string }) {
    super(code, message, options);
    this.file = options?.file;
  }
}
