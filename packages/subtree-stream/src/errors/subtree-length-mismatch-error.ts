import { SubtreeStreamError } from "../errors.ts";

/**
 * subtree_data held more or fewer transactions than the subtree has nodes (the placeholder counts
 * as present).
 *
 * @example
 * if (e instanceof SubtreeLengthMismatchError && e.code === "TOO_FEW_TXS") retryElsewhere()
 */
export class SubtreeLengthMismatchError extends SubtreeStreamError {
  override name = "SubtreeLengthMismatchError" as const;
  declare readonly code: "TOO_MANY_TXS" | "TOO_FEW_TXS";
  /** Node count (for a streamed node list: the count known when the error was found). */
  readonly expected: number;
  /** Txs seen, counting the placeholder slot. */
  readonly actual: number;
  /** Byte offset: of the extra tx, or the stream length. */
  readonly offset: number;
  constructor(code: "TOO_MANY_TXS" | "TOO_FEW_TXS", expected: number, actual: number, offset: number) {
    super(
      code,
      code === "TOO_MANY_TXS"
        ? `more transactions than the ${expected} nodes (extra tx at byte ${offset})`
        : `transaction count mismatch: expected ${expected}, got ${actual} (stream ended at byte ${offset})`,
    );
    this.expected = expected;
    this.actual = actual;
    this.offset = offset;
  }
}
