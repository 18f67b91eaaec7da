import { SubtreeStreamError } from "../errors.ts";

/**
 * A transaction's txid differs from the subtree node at its position.
 *
 * @example
 * if (e instanceof TxHashMismatchError) console.log(e.index, e.expected, e.actual)
 */
export class TxHashMismatchError extends SubtreeStreamError {
  override name = "TxHashMismatchError" as const;
  declare readonly code: "TX_HASH_MISMATCH";
  /** Node index. */
  readonly index: number;
  /** Byte offset of the tx in the stream. */
  readonly offset: number;
  /** Node hash, display hex. */
  readonly expected: string;
  /** Txid of the received tx, display hex. */
  readonly actual: string;
  constructor(index: number, offset: number, expected: string, actual: string) {
    super("TX_HASH_MISMATCH", `tx ${index} at byte ${offset} has txid ${actual}, node is ${expected}`);
    this.index = index;
    this.offset = offset;
    this.expected = expected;
    this.actual = actual;
  }
}
