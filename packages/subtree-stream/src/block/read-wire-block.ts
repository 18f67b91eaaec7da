import { MalformedDataError } from "../errors/malformed-data-error.ts";
import { HASH_BYTES } from "../hash.ts";
import { StreamSource } from "../read/stream-source.ts";
import { TxSplitter } from "../read/tx-splitter.ts";
import { DEFAULT_MAX_TX_BYTES } from "../tx/layout.ts";
import { readVarint } from "../varint.ts";
import { BLOCK_HEADER_BYTES, type BlockHeader, parseBlockHeader } from "./header.ts";
import { hasWireMagic } from "./wire-prefix.ts";

/** What `readWireBlock` yields: the header first, then each tx. */
export type WireBlockPart =
  | { type: "header"; header: BlockHeader; txCount: number; prefixed: boolean }
  | { type: "tx"; index: number; txid: Uint8Array; bytes: Uint8Array; extended: boolean; offset: number };

/**
 * Streams a wire block (`/block_legacy`, `/rest/block/*.bin`, `.bin` files): yields the header
 * and tx count, then every tx with its txid, buffering O(largest tx). An `F9BEB4D9` prefix is
 * skipped (its size field is not trusted — see `legacyBlockPrefix`). Fewer or more txs than the
 * count is `BLOCK_TX_COUNT_MISMATCH`; a cut tx is `TruncatedTxError`.
 *
 * @example
 * const b = new MerkleBuilder();
 * for await (const part of readWireBlock(res.body)) if (part.type === "tx") b.push(part.txid);
 */
export async function* readWireBlock(
  stream: ReadableStream<Uint8Array>,
  options: { signal?: AbortSignal; maxTxBytes?: number } = {},
): AsyncGenerator<WireBlockPart, void, undefined> {
  const source = new StreamSource(stream, options.signal);
  const splitter = new TxSplitter(options.maxTxBytes ?? DEFAULT_MAX_TX_BYTES);
  let failure: unknown;
  try {
    // Gather prefix + header + the longest varint before splitting txs.
    const want = 8 + BLOCK_HEADER_BYTES + 9;
    let head = new Uint8Array(0);
    let ended = false;
    while (head.length < want) {
      const chunk = await source.read();
      if (!chunk) {
        ended = true;
        break;
      }
      const joined = new Uint8Array(head.length + chunk.length);
      joined.set(head);
      joined.set(chunk, head.length);
      head = joined;
    }
    const prefixed = hasWireMagic(head);
    let p = prefixed ? 8 : 0;
    const header = parseBlockHeader(head, p);
    p += BLOCK_HEADER_BYTES;
    const count = readVarint(head, p);
    p += count.size;
    const txCount = count.value;
    yield { type: "header", header, txCount, prefixed };
    let index = 0;
    splitter.push(head.subarray(p));
    for (;;) {
      const chunk = ended ? undefined : await source.read();
      if (chunk) splitter.push(chunk);
      else splitter.end();
      while (splitter.next(index)) {
        if (index >= txCount) {
          throw new MalformedDataError(
            "BLOCK_TX_COUNT_MISMATCH",
            `more than the ${txCount} txs declared`,
            splitter.txOffset,
          );
        }
        const txid = splitter.txidInto(new Uint8Array(HASH_BYTES));
        const { extended } = splitter.layout;
        yield { type: "tx", index: index++, txid, bytes: splitter.bytes(), extended, offset: splitter.txOffset };
      }
      if (!chunk) break;
    }
    if (index !== txCount) {
      throw new MalformedDataError("BLOCK_TX_COUNT_MISMATCH", `${index} txs, header says ${txCount}`, splitter.offset);
    }
  } catch (e) {
    failure = e;
    throw e;
  } finally {
    source.close(failure);
  }
}
