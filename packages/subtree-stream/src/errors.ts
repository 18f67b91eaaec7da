/**
 * Marks every error this package creates, so {@link isSubtreeStreamError} matches only those,
 * never a foreign error that happens to carry the same `name` and `code` (issue 16). `Symbol.for`
 * so another copy of the package (another version, `dist` beside `src`, another realm) still
 * recognises them; non-enumerable, so spreading, logging or serialising an error drops it.
 */
const BRAND = Symbol.for("@subtreekit/subtree-stream");

/**
 * Base class of every error this package throws. `code` is a stable string for programmatic
 * checks; `cause` keeps the underlying error. Where `instanceof` fails (another copy of the
 * package, another realm), use {@link isSubtreeStreamError}.
 */
export class SubtreeStreamError extends Error {
  override name = "SubtreeStreamError";
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    Object.defineProperty(this, BRAND, { value: true });
    this.code = code;
  }
}

/**
 * True for any error thrown by this package, also by another copy of it or from another realm,
 * where `instanceof` fails: it checks the package's brand (`Symbol.for("@subtreekit/subtree-stream")`),
 * not the `name`/`code` shape, so a foreign error with the same `name` and `code` is not matched.
 *
 * @example
 * if (isSubtreeStreamError(e)) console.log(e.code)
 */
export function isSubtreeStreamError(error: unknown): error is SubtreeStreamError {
  return typeof error === "object" && error !== null && (error as { [BRAND]?: unknown })[BRAND] === true;
}
