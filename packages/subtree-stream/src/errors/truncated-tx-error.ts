import { SubtreeStreamError } from "../errors.ts";

/**
 * The input ended inside a transaction. A stream cut at a field boundary is never taken for a
 * clean end (go-bt's plain-EOF caveat, spec/teranode-peer.md §5.1).
 *
 * @example
 * if (e instanceof TruncatedTxError) console.log(`cut after ${e.available} of the tx at ${e.offset}`)
 */
export class TruncatedTxError extends SubtreeStreamError {
  override name = "TruncatedTxError" as const;
  declare readonly code: "TX_TRUNCATED";
  /** Byte offset where the incomplete tx starts. */
  readonly offset: number;
  /** Bytes of it that arrived. */
  readonly available: number;
  /** Node index it would have had, when known. */
  readonly index: number | undefined;
  constructor(offset: number, available: number, index?: number) {
    super(
      "TX_TRUNCATED",
      `input ended inside a transaction starting at byte ${offset} (${available} bytes of it read)` +
        (index === undefined ? "" : ` (tx ${index})`),
    );
    this.offset = offset;
    this.available = available;
    this.index = index;
  }
}
