import { ValidatorError } from "./validator-error.ts";

/**
 * - `ROOT_MISMATCH`: the nodes list a peer sent does not hash to the subtree it was asked for.
 * - `TX_MISMATCH`: tx k of a stream does not hash to node k.
 * - `COUNT_MISMATCH`: more or fewer txs than nodes (stream), or than requested (POST).
 * - `TRUNCATED`: the stream ended inside a tx.
 * - `MALFORMED`: bytes that do not parse as a tx, or a nodes body that is not n × 32 bytes.
 * - `TOO_LARGE`: a body above its bound (`max_subtree_leaves` × 32, `max_tx_bytes`).
 * - `MERKLE_MISMATCH`: a block's merkle root from its subtree roots differs from its header's.
 * - `BLOCK_MISMATCH`: a block body does not hash to the block asked for, or does not parse.
 * - `REPEATED_NODE`: a subtree's nodes list one txid twice (a forged list can repeat its last
 *   node and keep the root: CVE-2012-2459).
 */
export type VerificationErrorCode =
  | "ROOT_MISMATCH"
  | "TX_MISMATCH"
  | "COUNT_MISMATCH"
  | "TRUNCATED"
  | "MALFORMED"
  | "TOO_LARGE"
  | "MERKLE_MISMATCH"
  | "BLOCK_MISMATCH"
  | "REPEATED_NODE";

/** Where in the data a verification failed, so the message can name it. */
export interface VerificationDetail {
  peer?: string;
  subtree?: string;
  block?: string;
  index?: number;
  expected?: string;
  actual?: string;
}

/**
 * A peer sent data that does not verify. Nothing from the subtree (or block) was stored, and the
 * peer is marked bad for the rest of the run. The message names the peer, the subtree, the index
 * and expected vs actual, so an operator can take it to the peer's owner.
 *
 * @example
 * ```ts
 * try { await validateSubtree(opts); }
 * catch (err) { if (err instanceof VerificationError) console.error(err.detail.index); }
 * ```
 */
export class VerificationError extends ValidatorError {
  override name = "VerificationError" as const;
  declare readonly code: VerificationErrorCode;
  readonly detail: VerificationDetail;
  constructor(code: VerificationErrorCode, message: string, detail: VerificationDetail, options?: { cause?: unknown }) {
    super(code, message, options);
    this.detail = detail;
  }
}
