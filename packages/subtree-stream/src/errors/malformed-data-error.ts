import { SubtreeStreamError } from "../errors.ts";

/** Which structure failed to parse and why. */
export type MalformedDataCode =
  | "VARINT_TRUNCATED"
  | "VARINT_TOO_LARGE"
  | "SUBTREE_TRUNCATED"
  | "SUBTREE_TRAILING_BYTES"
  | "SUBTREE_BAD_COUNT"
  | "SUBTREE_VALUE_RANGE"
  | "SUBTREE_BAD_MAGIC"
  | "BLOCK_TRUNCATED"
  | "BLOCK_TRAILING_BYTES"
  | "BLOCK_BAD_COUNT"
  | "BLOCK_TX_COUNT_MISMATCH";

/**
 * A varint, subtree or block that cannot be parsed, with the byte offset of the problem (and the
 * file, when it was read from one).
 *
 * @example
 * try { parseSubtree(bytes) } catch (e) { if (e instanceof MalformedDataError) console.log(e.code, e.offset) }
 */
export class MalformedDataError extends SubtreeStreamError {
  override name = "MalformedDataError" as const;
  declare readonly code: MalformedDataCode;
  /** Byte offset of the offending field. */
  readonly offset: number;
  /** The file it was read from, if any. */
  readonly path: string | undefined;
  constructor(code: MalformedDataCode, message: string, offset: number, options?: { cause?: unknown; path?: string }) {
    super(code, `${message} at byte ${offset}${options?.path === undefined ? "" : ` of ${options.path}`}`, options);
    this.offset = offset;
    this.path = options?.path;
  }
}
