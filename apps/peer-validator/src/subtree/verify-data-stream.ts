import {
  contiguousRun,
  isCoinbasePlaceholder,
  joinRun,
  parseTx,
  readSubtreeDataBatches,
  SubtreeLengthMismatchError,
  toDisplayHex,
  toStandardBytes,
  txFee,
} from "@subtreekit/subtree-stream";
import { VerificationError } from "../errors/verification-error.ts";
import { CollectEvery } from "./collect-every.ts";
import type { NodeHashes } from "./node-hashes.ts";
import type { StagedSubtree } from "./staged.ts";
import { classifyStreamError } from "./stream-errors.ts";

export interface VerifyDataOptions {
  nodes: NodeHashes;
  /** Per node: 1 when the local store already has the tx (its bytes are not staged). */
  known: Uint8Array;
  /** Where the txs the store lacks go: `staged.inFile` (the sink's file) when set, else `staged.txs`. */
  staged: StagedSubtree;
  maxTxBytes: number;
  signal: AbortSignal;
  /** Receives the verified bytes in order (the local `.subtreeData` sink); awaited. */
  sink?: (bytes: Uint8Array) => unknown;
  onProgress?: (txs: number, bytes: number) => void;
  peer: string;
  url: string;
  subtree: string;
}

/**
 * Verifies a `subtree_data` body against its nodes while it streams, with
 * `@subtreekit/subtree-stream`'s reader (spec §5.2: tx k hashes to node k, or k+1 after the
 * placeholder; a leading coinbase takes the placeholder's slot; exactly one tx per node; EOF
 * inside a tx is an error). Each verified batch goes to `sink` as it passes (a leading coinbase is
 * left out, as go-subtree `Serialize` leaves it out); the txs the store lacks are staged for one
 * commit later (as their place in the sink's file when `staged.inFile` is set, which `sink`
 * must then be writing). Failures: VerificationError naming the peer, the subtree, the index and
 * expected vs actual; PeerError when the body broke off or timed out.
 */
export async function verifyDataStream(
  body: ReadableStream<Uint8Array> | null,
  o: VerifyDataOptions,
): Promise<{ bytes: number; txs: number }> {
  const n = o.nodes.length;
  const placeholder = isCoinbasePlaceholder(o.nodes.at(0));
  let next = placeholder ? 1 : 0; // node index the next tx must match
  let bytes = 0;
  let txs = 0;
  // The stream's garbage (a record and views per tx, the chunks) is the validator's largest: a
  // hint came too late on a busy machine (1M txs: peaks 184–211 MiB); 8 full ones cost ~0.13 s.
  const collect = new CollectEvery(32 << 20, { full: true });
  const inFile = o.staged.inFile;
  if (inFile && !o.sink) throw new TypeError("staging in the sink's file needs the sink");
  const where = { peer: o.peer, url: o.url, subtree: o.subtree, signal: o.signal, what: "subtree_data" };
  try {
    if (!body)
      throw new VerificationError("MALFORMED", `${o.peer}: subtree ${o.subtree}: empty subtree_data body`, where);
    // The batch's verified txs for the sink, refilled per batch (a leading coinbase left out).
    const views: Uint8Array[] = [];
    for await (const batch of readSubtreeDataBatches(body, nodeChunks(o.nodes), {
      signal: o.signal,
      maxTxBytes: o.maxTxBytes,
    })) {
      let batchBytes = 0;
      for (const tx of batch) {
        const b = tx.bytes;
        batchBytes += b.length;
        if (tx.index === 0 && placeholder) continue; // the coinbase in the placeholder's slot
        if (o.sink) views.push(b);
        // in the sink's file the bytes can be found again: stage where they are, not the bytes
        const keep = o.known[tx.index] === 0 && !inFile;
        inFile?.add(tx.index, b.length, o.known[tx.index] === 0, tx.extended);
        if (tx.extended) {
          const parsed = parseTx(b); // once, for both: each would parse the tx again
          const standard = toStandardBytes(parsed);
          const fee = txFee(parsed);
          o.staged.sizes[tx.index] = standard.length;
          o.staged.fees[tx.index] = Math.max(0, fee ?? 0);
          if (keep) o.staged.txs.push({ hash: tx.txid, standard, extended: b, fee, size: standard.length });
        } else {
          // a standard tx is its own standard form: no copy; its fee is unknown (fees start at 0)
          o.staged.sizes[tx.index] = b.length;
          if (keep)
            o.staged.txs.push({ hash: tx.txid, standard: b, extended: undefined, fee: undefined, size: b.length });
        }
        next = tx.index + 1;
      }
      // the batch's txs lie back to back in the body chunk: write that range, not a concatenated
      // copy (a tx that straddled chunks is a copy of its own and starts a new range)
      for (let i = 0, n = 0; o.sink && i < views.length; i += n) {
        n = contiguousRun(views, i);
        await o.sink(joinRun(views, i, n));
      }
      views.length = 0;
      collect.add(batchBytes);
      bytes += batchBytes;
      txs += batch.length;
      o.onProgress?.(batch.length, batchBytes);
    }
    return { bytes, txs };
  } catch (err) {
    if (err instanceof SubtreeLengthMismatchError && !o.signal.aborted) {
      const too = err.code === "TOO_MANY_TXS";
      const expected = too ? undefined : toDisplayHex(o.nodes.at(next));
      throw new VerificationError(
        "COUNT_MISMATCH",
        too
          ? `${o.peer}: subtree ${o.subtree}: more txs than its ${n} nodes (extra tx at index ${n})`
          : `${o.peer}: subtree ${o.subtree}: stream ended after ${txs} txs (missing tx at index ${next}, expected ${expected})`,
        { peer: o.peer, subtree: o.subtree, index: too ? n : next, expected },
        { cause: err },
      );
    }
    throw classifyStreamError(err, where);
  }
}

/** The nodes as the reader takes them streamed: one bounded chunk of views alive at a time. */
async function* nodeChunks(nodes: NodeHashes): AsyncGenerator<Uint8Array[]> {
  yield* nodes.chunks();
}
