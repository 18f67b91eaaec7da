import { HASH_BYTES } from "../hash.ts";
import { DEFAULT_MAX_TX_BYTES } from "../tx/layout.ts";
import { flatten } from "./flatten.ts";
import { StreamSource } from "./stream-source.ts";
import { TxSplitter } from "./tx-splitter.ts";

/** One transaction of an unordered batch. */
export interface StreamTx {
  /** Txid, internal order (fresh array). */
  txid: Uint8Array;
  /** The tx as received (standard or EF); a view of its body chunk, or a copy if it straddled. */
  bytes: Uint8Array;
  extended: boolean;
  /** Byte offset in the stream. */
  offset: number;
}

/** Options of `readTxs`. */
export interface ReadTxsOptions {
  signal?: AbortSignal;
  /** Largest accepted tx (default 100 MiB). */
  maxTxBytes?: number;
}

/**
 * Concatenated txs (standard or EF) from a stream, in arrays per body chunk, with their txids.
 *
 * @example
 * for await (const batch of readTxsBatches(res.body)) for (const tx of batch) byId.set(toHex(tx.txid), tx);
 */
export async function* readTxsBatches(
  body: ReadableStream<Uint8Array>,
  options: ReadTxsOptions = {},
): AsyncGenerator<StreamTx[], void, undefined> {
  const source = new StreamSource(body, options.signal);
  const splitter = new TxSplitter(options.maxTxBytes ?? DEFAULT_MAX_TX_BYTES);
  let failure: unknown;
  let index = 0;
  try {
    for (;;) {
      const chunk = await source.read();
      if (chunk) splitter.push(chunk);
      else splitter.end();
      const batch: StreamTx[] = [];
      while (splitter.next(index)) {
        index++;
        const txid = splitter.txidInto(new Uint8Array(HASH_BYTES));
        batch.push({ txid, bytes: splitter.bytes(), extended: splitter.layout.extended, offset: splitter.txOffset });
      }
      if (batch.length > 0) yield batch;
      if (!chunk) return;
    }
  } catch (e) {
    failure = e;
    throw e;
  } finally {
    source.close(failure);
  }
}

/**
 * Txs of an unordered batch (the `POST /subtree/:hash/txs` response, whose order is not
 * guaranteed): the caller matches them by txid. A body ending inside a tx is `TruncatedTxError`.
 *
 * @example
 * for await (const tx of readTxs(res.body, { signal })) wanted.delete(toHex(tx.txid));
 */
export function readTxs(body: ReadableStream<Uint8Array>, options: ReadTxsOptions = {}): AsyncIterable<StreamTx> {
  return flatten(readTxsBatches(body, options));
}
