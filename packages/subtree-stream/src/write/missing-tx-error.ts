import { SubtreeStreamError } from "../errors.ts";

/**
 * The tx source returned `undefined` for one or more requested txs. `count` is the number missing
 * in the failing chunk (all of them, not just the first), so a server can report how many txs it
 * lacks; `hashes` holds the first few in display hex for logs.
 *
 * @example
 * ```ts
 * try { await writeSubtreeData(opts); }
 * catch (e) { if (e instanceof MissingTxError) log.error(`${e.count} missing, e.g. ${e.hashes[0]}`); }
 * ```
 */
export class MissingTxError extends SubtreeStreamError {
  override name = "MissingTxError" as const;
  declare readonly code: "MISSING_TX";
  /** Missing txs in the chunk that failed. */
  readonly count: number;
  /** Txs requested in that chunk. */
  readonly requested: number;
  /** Node index of the chunk's first tx, so the gap can be located in the subtree. */
  readonly offset: number;
  /** The first few missing txids, display hex. */
  readonly hashes: readonly string[];
  constructor(count: number, requested: number, offset: number, hashes: readonly string[]) {
    super(
      "MISSING_TX",
      `failed to get ${count} of ${requested} txs from the source in the chunk at offset ${offset}` +
        (hashes.length > 0 ? ` (first: ${hashes.join(", ")})` : ""),
    );
    this.count = count;
    this.requested = requested;
    this.offset = offset;
    this.hashes = hashes;
  }
}
