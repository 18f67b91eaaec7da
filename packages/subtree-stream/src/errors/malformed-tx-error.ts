import { SubtreeStreamError } from "../errors.ts";

/** Why a transaction was rejected before it could be hashed. */
export type MalformedTxCode =
  | "TX_TOO_LARGE"
  | "TX_BAD_COUNT"
  | "TX_BAD_VARINT"
  | "TX_VALUE_RANGE"
  | "TX_TRAILING_BYTES";

/**
 * The bytes at `offset` cannot be a transaction: it would exceed `maxTxBytes`, declares a count
 * that cannot fit, or holds a varint beyond 2^53. Thrown before any allocation sized by the input.
 *
 * @example
 * try { parseTx(bytes) } catch (e) { if (e instanceof MalformedTxError) console.log(e.code, e.offset) }
 */
export class MalformedTxError extends SubtreeStreamError {
  override name = "MalformedTxError" as const;
  declare readonly code: MalformedTxCode;
  /** Byte offset (in the stream or buffer) of the offending field. */
  readonly offset: number;
  /** Position of the tx in its stream, when known. */
  readonly index: number | undefined;
  constructor(code: MalformedTxCode, message: string, offset: number, index?: number, options?: { cause?: unknown }) {
    super(code, `${message} at byte ${offset}${index === undefined ? "" : ` (tx ${index})`}`, options);
    this.offset = offset;
    this.index = index;
  }
}
