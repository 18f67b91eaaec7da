import { isSubtreeStreamError, parseModelBlockChain, toDisplayHex, txid } from "@subtreekit/subtree-stream";
import { VerificationError } from "../errors/verification-error.ts";
import { peerFetchAll } from "../http/peer-fetch-all.ts";
import type { Session } from "../session.ts";
import { type FetchedBlock, MAX_BLOCK_BYTES } from "./fetch-block.ts";
import type { ChainHeader } from "./fetch-headers.ts";
import { subtreeListProblem } from "./subtree-list.ts";

/**
 * `GET /blocks/{last}?n={headers.length}` from one peer: the blocks of `headers` (oldest first)
 * in one request. The body is split by subtree-stream, must hold exactly that many blocks, and,
 * reversed to oldest first, block i must hash to header i (the reference's checks).
 */
export async function fetchBlocks(s: Session, peer: string, headers: ChainHeader[]): Promise<FetchedBlock[]> {
  const last = headers.at(-1)!.hex;
  const detail = { peer, block: last };
  const max = MAX_BLOCK_BYTES * headers.length;
  const body = await peerFetchAll(s, peer, `/blocks/${last}?n=${headers.length}`, {
    maxBytes: max,
    tooLarge: (n) => `${peer}: blocks to ${last}: body above ${max} bytes at ${n}`,
    detail,
  });
  let chain: ReturnType<typeof parseModelBlockChain>;
  try {
    chain = parseModelBlockChain(body);
  } catch (err) {
    if (!isSubtreeStreamError(err)) throw err;
    throw new VerificationError("BLOCK_MISMATCH", `${peer}: blocks to ${last} do not parse: ${err.message}`, detail, {
      cause: err,
    });
  }
  if (chain.length !== headers.length) {
    throw new VerificationError(
      "COUNT_MISMATCH",
      `${peer}: blocks to ${last}: expected ${headers.length} blocks, got ${chain.length}`,
      { ...detail, expected: String(headers.length), actual: String(chain.length) },
    );
  }
  chain.reverse();
  return chain.map((c, i) => {
    const hex = toDisplayHex(c.hash);
    if (hex !== headers[i]!.hex) {
      throw new VerificationError(
        "BLOCK_MISMATCH",
        `${peer}: blocks to ${last}: block hash mismatch at index ${i}: ${hex}, header says ${headers[i]!.hex}`,
        { ...detail, index: i, expected: headers[i]!.hex, actual: hex },
      );
    }
    const problem = subtreeListProblem(c.block);
    if (problem)
      throw new VerificationError("BLOCK_MISMATCH", `${peer}: block ${hex} ${problem}`, { peer, block: hex });
    return { block: c.block, hash: c.hash, hex, coinbaseTxid: txid(c.block.coinbaseTx), bytes: c.bytes, peer };
  });
}
