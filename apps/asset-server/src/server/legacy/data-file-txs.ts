import { isCoinbaseTx, standardOf, txEnd } from "../tx-bytes.ts";

const MAX_TX = 100 * 1024 * 1024;

/**
 * Writes the txs of a subtree_data file (standard or EF, possibly mixed) to `write` as standard
 * bytes, skipping a leading coinbase when `skipCoinbase` (subtree 0: the block's coinbase was
 * already written — reference #395). Reads the file in 1 MiB ranges: memory is one range plus
 * the largest tx. A truncated final tx is an error, never a clean end.
 */
export async function writeDataFileTxs(
  path: string,
  skipCoinbase: boolean,
  write: (bytes: Uint8Array) => void | Promise<void>,
  signal: AbortSignal,
): Promise<number> {
  const file = Bun.file(path);
  const size = file.size;
  let pos = 8;
  let buf = new Uint8Array(0);
  let first = true;
  let count = 0;
  while (pos < size || buf.length > 0) {
    signal.throwIfAborted();
    if (pos < size) {
      const more = new Uint8Array(await file.slice(pos, Math.min(size, pos + (1 << 20))).arrayBuffer());
      pos += more.length;
      buf = buf.length ? Buffer.concat([buf, more]) : more;
    }
    let at = 0;
    for (;;) {
      const cuts: number[] = [];
      const end = at < buf.length ? txEnd(buf, at, MAX_TX, cuts) : -1;
      if (end < 0) break;
      const std = standardOf(buf, at, end, cuts);
      if (!(first && skipCoinbase && isCoinbaseTx(std))) {
        const r = write(std.slice());
        if (r) await r;
        count++;
      }
      first = false;
      at = end;
    }
    buf = buf.subarray(at);
    if (pos >= size && buf.length > 0) throw new Error(`subtree data file ${path} ends inside a tx`);
  }
  return count;
}
