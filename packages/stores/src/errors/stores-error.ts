/**
 * Marks every error this package creates, so {@link isStoresError} matches only those, never a
 * foreign error that happens to carry the same `name` and `code` (issue 16). `Symbol.for` so
 * another copy of the package (another version, or `dist` beside `src`) still recognises them;
 * non-enumerable, so spreading, logging or serialising an error drops it.
 */
const BRAND = Symbol.for("@subtreekit/stores");

/**
 * Base class of every error this package throws. `code` is a stable string for programmatic
 * checks; `cause` keeps the underlying error. Where `instanceof` fails (another copy of the
 * package), use {@link isStoresError}.
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
    Object.defineProperty(this, BRAND, { value: true });
    this.code = code;
  }
}

/** True for any error created by this package, also by another copy of it; never for a look-alike. */
export function isStoresError(err: unknown): err is StoresError {
  return typeof err === "object" && err !== null && (err as { [BRAND]?: unknown })[BRAND] === true;
}
