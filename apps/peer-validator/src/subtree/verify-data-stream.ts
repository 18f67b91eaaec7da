import { VerificationError } from "../errors/verification-error.ts";
import { displayHexAt, hashAtEquals, sha256dInto } from "../format/sha256d.ts";
import { standardBytes, TxFormatError } from "../format/tx-scan.ts";
import { forEachTx } from "../format/tx-stream.ts";
import type { StagedSubtree } from "./staged.ts";

export interface VerifyDataOptions {
  nodes: Uint8Array;
  /** Per node: true when the local store already has the tx (its bytes are not staged). */
  known: boolean[];
  staged: StagedSubtree;
  maxTxBytes: number;
  /** Receives the verified bytes in order (the local `.subtreeData` sink); awaited. */
  sink?: (bytes: Uint8Array) => unknown;
  onProgress?: (txs: number, bytes: number) => void;
  peer: string;
  subtree: string;
}

const PLACEHOLDER = new Uint8Array(32).fill(0xff);

/**
 * Verifies a `subtree_data` stream against its nodes while it streams (spec §5.2): tx k must hash
 * to node k (k+1 when node 0 is the placeholder; a leading coinbase takes the placeholder's slot
 * and is not kept), no tx past the last node, exactly one tx per node at the end. Verified bytes
 * go to `sink` as they pass; the txs the store lacks are staged for one commit later. Any failure
 * is a VerificationError naming the peer, the subtree, the node index and expected vs actual.
 */
export async function verifyDataStream(
  chunks: AsyncIterable<Uint8Array>,
  o: VerifyDataOptions,
): Promise<{ bytes: number; txs: number }> {
  const n = o.nodes.length / 32;
  const placeholder = hashAtEquals(o.nodes, 0, PLACEHOLDER, 0);
  let i = placeholder ? 1 : 0;
  let first = true;
  const txid = new Uint8Array(32);
  const where = `${o.peer}: subtree ${o.subtree}`;
  const detail = { peer: o.peer, subtree: o.subtree };
  let pendingTxs = 0;
  let pendingBytes = 0;
  try {
    const r = await forEachTx(chunks, o.maxTxBytes, {
      tx(buf, start, scan) {
        const isFirst = first;
        first = false;
        if (isFirst && placeholder && scan.coinbase) return false;
        if (i >= n)
          throw new VerificationError(
            "COUNT_MISMATCH",
            `${where}: more txs than its ${n} nodes (extra tx at index ${i})`,
            {
              ...detail,
              index: i,
            },
          );
        const standard = standardBytes(buf, start, scan);
        sha256dInto(standard, txid);
        if (!hashAtEquals(txid, 0, o.nodes, i * 32)) {
          const expected = displayHexAt(o.nodes, i * 32);
          const actual = displayHexAt(txid);
          throw new VerificationError("TX_MISMATCH", `${where}: tx at index ${i} is ${actual}, expected ${expected}`, {
            ...detail,
            index: i,
            expected,
            actual,
          });
        }
        o.staged.sizes[i] = scan.size;
        o.staged.fees[i] = Math.max(0, scan.fee ?? 0);
        if (!o.known[i])
          o.staged.txs.push({
            hash: o.nodes.slice(i * 32, i * 32 + 32),
            standard: scan.extended ? standard : standard.slice(),
            extended: scan.extended ? buf.slice(start, scan.end) : undefined,
            fee: scan.fee,
            size: scan.size,
          });
        i++;
        pendingTxs++;
        return true;
      },
      async verified(bytes) {
        pendingBytes += bytes.length;
        if (o.sink) await o.sink(bytes);
        o.onProgress?.(pendingTxs, pendingBytes);
        pendingTxs = 0;
        pendingBytes = 0;
      },
    });
    if (i !== n) {
      const expected = displayHexAt(o.nodes, i * 32);
      throw new VerificationError(
        "COUNT_MISMATCH",
        `${where}: stream ended after ${i - (placeholder ? 1 : 0)} txs, expected ${n - (placeholder ? 1 : 0)} (missing tx at index ${i}, expected ${expected})`,
        { ...detail, index: i, expected },
      );
    }
    return { bytes: r.bytes, txs: r.txs };
  } catch (err) {
    if (err instanceof TxFormatError)
      throw new VerificationError(
        err.kind === "truncated" ? "TRUNCATED" : "MALFORMED",
        `${where}: ${err.kind === "truncated" ? "truncated" : "malformed"} tx at index ${i} (stream offset ${err.offset}): ${err.message}`,
        { ...detail, index: i },
        { cause: err },
      );
    throw err;
  }
}
