import {
  blockHash,
  isSubtreeStreamError,
  type ModelBlock,
  parseModelBlock,
  toDisplayHex,
  txid,
} from "@subtreekit/subtree-stream";
import { VerificationError } from "../errors/verification-error.ts";
import { peerFetchAll } from "../http/peer-fetch-all.ts";
import type { Session } from "../session.ts";
import { subtreeListProblem } from "./subtree-list.ts";

export interface FetchedBlock {
  block: ModelBlock;
  /** Block hash, internal order. */
  hash: Uint8Array;
  hex: string;
  coinbaseTxid: Uint8Array;
  bytes: Uint8Array;
  peer: string;
}

// a model block is a header, a subtree list and a coinbase: tens of KiB in practice
export const MAX_BLOCK_BYTES = 64 * 1024 * 1024;

/** `GET /block/:hash` from one peer, parsed, and checked to hash to what was asked for. */
export async function fetchBlock(s: Session, peer: string, hex: string): Promise<FetchedBlock> {
  const detail = { peer, block: hex };
  const bytes = await peerFetchAll(s, peer, `/block/${hex}`, {
    maxBytes: MAX_BLOCK_BYTES,
    tooLarge: (n) => `${peer}: block ${hex}: body above ${MAX_BLOCK_BYTES} bytes at ${n}`,
    detail,
  });
  let block: ModelBlock;
  try {
    block = parseModelBlock(bytes);
  } catch (err) {
    if (!isSubtreeStreamError(err)) throw err;
    throw new VerificationError("BLOCK_MISMATCH", `${peer}: block ${hex} does not parse: ${err.message}`, detail, {
      cause: err,
    });
  }
  const problem = subtreeListProblem(block);
  if (problem) throw new VerificationError("BLOCK_MISMATCH", `${peer}: block ${hex} ${problem}`, detail);
  const hash = blockHash(bytes);
  const actual = toDisplayHex(hash);
  if (actual !== hex)
    throw new VerificationError("BLOCK_MISMATCH", `${peer}: asked for block ${hex}, got block ${actual}`, {
      ...detail,
      expected: hex,
      actual,
    });
  return { block, hash, hex, coinbaseTxid: txid(block.coinbaseTx), bytes, peer };
}
