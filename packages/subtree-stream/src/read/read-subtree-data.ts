import { SubtreeLengthMismatchError } from "../errors/subtree-length-mismatch-error.ts";
import { TxHashMismatchError } from "../errors/tx-hash-mismatch-error.ts";
import { bytesEqual, HASH_BYTES, isCoinbasePlaceholder, toDisplayHex } from "../hash.ts";
import { DEFAULT_MAX_TX_BYTES } from "../tx/layout.ts";
import { flatten } from "./flatten.ts";
import { NodeCursor } from "./node-cursor.ts";
import { StreamSource } from "./stream-source.ts";
import { TxSplitter } from "./tx-splitter.ts";

/** One verified transaction of a subtree_data stream. */
export interface SubtreeDataTx {
  /** Node index it matched (0 only for a leading coinbase in the placeholder slot). */
  index: number;
  /** Txid, internal order (the node hash itself, or the coinbase's computed txid). */
  txid: Uint8Array;
  /**
   * The tx exactly as received (standard or EF): a view of the body chunk it arrived in, or a copy
   * when it straddled chunks; never written to by the reader. `toStandardBytes` strips EF.
   */
  bytes: Uint8Array;
  /** True when received in Extended Format. */
  extended: boolean;
  /** Byte offset of the tx in the stream. */
  offset: number;
}

/** Options of `readSubtreeData`. */
export interface ReadSubtreeDataOptions {
  /** Aborts the read: the body is cancelled and the iteration rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Largest accepted tx (default 100 MiB); bigger is `MalformedTxError`, never buffered. */
  maxTxBytes?: number;
}

/** Node hashes: one array, or arrays streamed in order (e.g. from `readSubtreeNodes`). */
export type SubtreeNodesInput = readonly Uint8Array[] | AsyncIterable<readonly Uint8Array[]>;

/**
 * Reads a `subtree_data` body and checks every tx against the subtree's nodes while streaming,
 * yielding the verified txs in arrays (one per body chunk) — the cheaper form of
 * `readSubtreeData` for hot paths.
 *
 * Rules (go-subtree `NewSubtreeDataFromReader` + Teranode `readTransactionsFromSubtreeDataStream`):
 * when node 0 is the coinbase placeholder, matching starts at node 1, but a coinbase arriving first
 * is taken for slot 0; every other tx's txid must equal its node (`TxHashMismatchError`); the tx
 * count, placeholder included, must equal the node count (`SubtreeLengthMismatchError`); a body
 * ending inside a tx is `TruncatedTxError`, never a clean end.
 *
 * @example
 * for await (const batch of readSubtreeDataBatches(res.body, nodes)) await store.put(batch);
 */
export async function* readSubtreeDataBatches(
  body: ReadableStream<Uint8Array>,
  nodes: SubtreeNodesInput,
  options: ReadSubtreeDataOptions = {},
): AsyncGenerator<SubtreeDataTx[], void, undefined> {
  const cursor = new NodeCursor(nodes);
  const source = new StreamSource(body, options.signal);
  const splitter = new TxSplitter(options.maxTxBytes ?? DEFAULT_MAX_TX_BYTES);
  const hash = new Uint8Array(HASH_BYTES);
  let failure: unknown;
  try {
    if (!(await cursor.load(0))) throw new RangeError("readSubtreeData: the subtree has no nodes");
    const placeholder = isCoinbasePlaceholder(cursor.at(0) as Uint8Array);
    let i = placeholder ? 1 : 0;
    let first = true;
    for (;;) {
      const chunk = await source.read();
      if (chunk) splitter.push(chunk);
      else splitter.end();
      const batch: SubtreeDataTx[] = [];
      while (splitter.next(i)) {
        splitter.txidInto(hash);
        let index = i;
        let txid: Uint8Array;
        if (first && placeholder && splitter.isCoinbase()) {
          // Block persister writes the real coinbase in the placeholder slot (vector 8ddeb…).
          index = 0;
          txid = hash.slice();
        } else {
          let node = cursor.at(i);
          if (node === undefined) {
            if (!(await cursor.load(i))) {
              throw new SubtreeLengthMismatchError("TOO_MANY_TXS", cursor.known, i + 1, splitter.txOffset);
            }
            node = cursor.at(i) as Uint8Array;
          }
          if (!bytesEqual(hash, node)) {
            throw new TxHashMismatchError(i, splitter.txOffset, toDisplayHex(node), toDisplayHex(hash));
          }
          txid = node;
          i++;
        }
        first = false;
        batch.push({
          index,
          txid,
          bytes: splitter.bytes(),
          extended: splitter.layout.extended,
          offset: splitter.txOffset,
        });
      }
      if (batch.length > 0) yield batch;
      if (!chunk) break;
    }
    if (await cursor.load(i)) {
      while (await cursor.load(cursor.known)) {
        // count the rest of a streamed node list for the error
      }
      throw new SubtreeLengthMismatchError("TOO_FEW_TXS", cursor.known, i, splitter.offset);
    }
  } catch (e) {
    failure = e;
    throw e;
  } finally {
    source.close(failure);
    if (failure !== undefined) await cursor.close().catch(() => {});
  }
}

/**
 * Reads and verifies a `subtree_data` body against the subtree's nodes, one tx at a time; see
 * `readSubtreeDataBatches` for the rules. Chunk boundaries may fall anywhere (a tx split across
 * any number of chunks); buffering is O(largest tx). `nodes` may be an array or, for 1M-node
 * subtrees, an async iterable of node arrays (`readSubtreeNodes(res.body)`).
 *
 * @example
 * const nodes = parseSubtreeNodes(new Uint8Array(await (await fetch(`${base}/subtree/${h}`)).arrayBuffer()));
 * for await (const tx of readSubtreeData((await fetch(`${base}/subtree_data/${h}`)).body!, nodes)) {
 *   console.log(tx.index, toDisplayHex(tx.txid));
 * }
 */
export function readSubtreeData(
  body: ReadableStream<Uint8Array>,
  nodes: SubtreeNodesInput,
  options: ReadSubtreeDataOptions = {},
): AsyncIterable<SubtreeDataTx> {
  return flatten(readSubtreeDataBatches(body, nodes, options));
}
