import { newTxScan, scanTx, TxFormatError, type TxScan } from "./tx-scan.ts";

/** What `forEachTx` calls back with. */
export interface TxVisitor {
  /**
   * One complete tx at `buf[start..scan.end)` (a view, valid only during the call). Return false
   * to leave its bytes out of `verified` (a coinbase the stored file must not hold).
   */
  tx(buf: Uint8Array, start: number, scan: TxScan): boolean | undefined;
  /** Bytes of txs already visited, in stream order, coalesced per chunk (a view). */
  verified?(bytes: Uint8Array): unknown;
}

/**
 * Splits a stream of arbitrary chunks into txs without copying whole ones: txs inside a chunk
 * are scanned in place; only a tx that straddles chunks is assembled in a carry buffer, and it is
 * re-scanned only once enough bytes arrived to get past where the last scan stopped (so a
 * slow-drip body costs O(bytes), not O(bytes²)). EOF inside a tx throws TxFormatError
 * ("truncated"), never a clean end.
 */
export async function forEachTx(
  chunks: AsyncIterable<Uint8Array>,
  maxTxBytes: number,
  visitor: TxVisitor,
): Promise<{ bytes: number; txs: number }> {
  const scan = newTxScan();
  let carry = new Uint8Array(64 * 1024);
  let carryLen = 0;
  let needLen = 0;
  let consumed = 0; // stream offset of buf[0]
  let txs = 0;

  const drain = async (buf: Uint8Array, limit: number): Promise<number> => {
    let pos = 0;
    let writeFrom = 0;
    needLen = 0;
    while (pos < limit) {
      let end: number;
      try {
        end = scanTx(buf, pos, limit, maxTxBytes, scan);
      } catch (err) {
        if (err instanceof TxFormatError) throw new TxFormatError(err.message, consumed + pos);
        throw err;
      }
      if (end < 0) {
        needLen = -end - pos;
        break;
      }
      if (visitor.tx(buf, pos, scan) === false) {
        if (pos > writeFrom) await visitor.verified?.(buf.subarray(writeFrom, pos));
        writeFrom = end;
      }
      txs++;
      pos = end;
    }
    if (pos > writeFrom) await visitor.verified?.(buf.subarray(writeFrom, pos));
    return pos;
  };

  for await (const chunk of chunks) {
    if (chunk.length === 0) continue;
    if (carryLen === 0) {
      const pos = await drain(chunk, chunk.length);
      consumed += pos;
      if (pos < chunk.length) {
        if (carry.length < chunk.length - pos) carry = new Uint8Array(Math.max(carry.length * 2, chunk.length - pos));
        carry.set(chunk.subarray(pos), 0);
        carryLen = chunk.length - pos;
      }
      continue;
    }
    if (carryLen + chunk.length > carry.length) {
      const bigger = new Uint8Array(Math.max(carry.length * 2, carryLen + chunk.length));
      bigger.set(carry.subarray(0, carryLen), 0);
      carry = bigger;
    }
    carry.set(chunk, carryLen);
    carryLen += chunk.length;
    if (carryLen < needLen) continue;
    const pos = await drain(carry, carryLen);
    consumed += pos;
    carry.copyWithin(0, pos, carryLen);
    carryLen -= pos;
  }
  if (carryLen > 0) {
    const pos = await drain(carry, carryLen);
    consumed += pos;
    if (pos < carryLen)
      throw new TxFormatError(`stream ended inside a tx (${carryLen - pos} bytes of it)`, consumed, "truncated");
  }
  return { bytes: consumed, txs };
}
