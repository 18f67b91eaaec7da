import { VerificationError } from "../errors/verification-error.ts";
import { type ModelBlock, parseModelBlock } from "../format/model-block.ts";
import { displayHexAt, hashAtEquals } from "../format/sha256d.ts";
import { TxFormatError } from "../format/tx-scan.ts";
import { readAll } from "../http/body-chunks.ts";
import { peerFetch } from "../http/peer-fetch.ts";
import type { Session } from "../session.ts";

export interface FetchedBlock {
  block: ModelBlock;
  bytes: Uint8Array;
  peer: string;
}

// a model block is a header, a subtree list and a coinbase: tens of KiB in practice
const MAX_BLOCK_BYTES = 64 * 1024 * 1024;

/** `GET /block/:hash` from one peer, parsed, and checked to hash to what was asked for. */
export async function fetchBlock(s: Session, peer: string, hash: Uint8Array, hex: string): Promise<FetchedBlock> {
  const { response, url, deadline } = await peerFetch(s, peer, `/block/${hex}`);
  const detail = { peer, block: hex };
  const bytes = await readAll(response.body, {
    signal: s.signal,
    deadline,
    peer,
    url,
    maxBytes: MAX_BLOCK_BYTES,
    onTooLarge: (n) =>
      new VerificationError("TOO_LARGE", `${peer}: block ${hex}: body above ${MAX_BLOCK_BYTES} bytes at ${n}`, detail),
  });
  let block: ModelBlock;
  try {
    block = parseModelBlock(bytes, s.settings.max_tx_bytes);
  } catch (err) {
    if (!(err instanceof TxFormatError)) throw err;
    throw new VerificationError("BLOCK_MISMATCH", `${peer}: block ${hex} does not parse: ${err.message}`, detail, {
      cause: err,
    });
  }
  if (!hashAtEquals(block.hash, 0, hash, 0)) {
    const actual = displayHexAt(block.hash);
    throw new VerificationError("BLOCK_MISMATCH", `${peer}: asked for block ${hex}, got block ${actual}`, {
      ...detail,
      expected: hex,
      actual,
    });
  }
  return { block, bytes, peer };
}
