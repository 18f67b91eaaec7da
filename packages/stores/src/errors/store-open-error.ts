import { StoresError } from "./stores-error.ts";

/**
 * - `UNKNOWN_SCHEME`: the URL's scheme names no backend.
 * - `BAD_URL`: the URL cannot be parsed or has a bad parameter.
 * - `UNREACHABLE`: the database or directory cannot be opened.
 * - `MIGRATION_FAILED`: the schema could not be created or upgraded.
 */
export type StoreOpenErrorCode = "UNKNOWN_SCHEME" | "BAD_URL" | "UNREACHABLE" | "MIGRATION_FAILED";

/**
 * A store could not be opened. Thrown by `openTxStore` / `openBlobStore` at start-up, so a bad
 * setting or an unreachable database fails before the first request, never during it. The
 * message names the host, port and database (never the password) and the cause.
 *
 * @example
 * ```ts
 * try { await openTxStore("postgres://db:5432/tx"); }
 * catch (err) { if (err instanceof StoreOpenError) { console.error(err.message); process.exit(1); } }
 * ```
 */
export class StoreOpenError extends StoresError {
  override name = "StoreOpenError" as const;
  declare readonly code: StoreOpenErrorCode;
  constructor(code: StoreOpenErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
