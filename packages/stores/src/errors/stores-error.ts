/**
 * Base class of every error this package throws. `code` is a stable string for programmatic
 * checks (also across realms, where `instanceof` fails); `cause` keeps the underlying error.
 *
 * @example
 * ```ts
 * try { await openTxStore(url); } catch (err) { if (isStoresError(err)) console.error(err.code); }
 * ```
 */
export class StoresError extends Error {
  override name: string = "StoresError";
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

const NAMES = new Set(["StoresError", "StorageError", "StoreOpenError"]);

/** True for any error thrown by this package, also one from another copy of it (another realm). */
export function isStoresError(err: unknown): err is StoresError {
  if (err instanceof StoresError) return true;
  return err instanceof Error && NAMES.has(err.name) && typeof (err as { code?: unknown }).code === "string";
}
