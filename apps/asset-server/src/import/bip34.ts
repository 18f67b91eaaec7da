import { parseTx } from "@subtreekit/subtree-stream";

/**
 * The block height a coinbase commits to (BIP34: the first push of its unlocking script, a
 * little-endian script number; OP_1..OP_16 for tiny heights). `undefined` when the script does
 * not start with a height push (blocks before BIP34).
 */
export function bip34Height(coinbase: Uint8Array): number | undefined {
  const tx = parseTx(coinbase);
  let p = tx.firstInput + 36;
  const len = coinbase[p++] as number;
  // Scripts shorter than 0xfd bytes only: coinbase scripts are at most 100 bytes.
  if (len === 0 || len >= 0xfd) return undefined;
  const op = coinbase[p] as number;
  if (op >= 0x51 && op <= 0x60) return op - 0x50;
  if (op < 1 || op > 8 || op + 1 > len) return undefined;
  let height = 0;
  for (let i = op - 1; i >= 0; i--) height = height * 256 + (coinbase[p + 1 + i] as number);
  return height;
}
