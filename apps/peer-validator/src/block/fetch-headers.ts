import { BLOCK_HEADER_BYTES, blockHash, bytesEqual, parseBlockHeader, toDisplayHex } from "@subtreekit/subtree-stream";
import { VerificationError } from "../errors/verification-error.ts";
import { peerFetchAll } from "../http/peer-fetch-all.ts";
import type { Session } from "../session.ts";

/** Headers per request: the reference's `n` and the server's clamp. */
export const HEADERS_PER_REQUEST = 10_000;

/** One header of the peer's chain. */
export interface ChainHeader {
  /** The 80 bytes. */
  bytes: Uint8Array;
  /** Hash, internal order, and display hex. */
  hash: Uint8Array;
  hex: string;
}

/**
 * `GET /headers_from_common_ancestor/{tip}?block_locator_hashes=…&n=10000` from one peer, again
 * from the last header while a full page does not reach `tip`. Returns the headers oldest first,
 * checked: n × 80 bytes, each one the child of the one before, the last one `tip`.
 */
export async function fetchHeaders(
  s: Session,
  peer: string,
  tipHex: string,
  locator: Uint8Array[],
): Promise<ChainHeader[]> {
  const out: ChainHeader[] = [];
  let loc = locator;
  for (;;) {
    const query = `block_locator_hashes=${loc.map(toDisplayHex).join("")}&n=${HEADERS_PER_REQUEST}`;
    const detail = { peer, block: tipHex };
    const body = await peerFetchAll(s, peer, `/headers_from_common_ancestor/${tipHex}?${query}`, {
      maxBytes: HEADERS_PER_REQUEST * BLOCK_HEADER_BYTES,
      tooLarge: (n) => `${peer}: headers for ${tipHex}: more than ${HEADERS_PER_REQUEST} at byte ${n}`,
      detail,
    });
    if (body.length === 0 || body.length % BLOCK_HEADER_BYTES !== 0) {
      throw new VerificationError(
        "MALFORMED",
        `${peer}: headers for ${tipHex}: body of ${body.length} bytes is not a non-empty multiple of 80`,
        detail,
      );
    }
    const page = body.length / BLOCK_HEADER_BYTES;
    for (let i = 0; i < page; i++) {
      const bytes = body.slice(i * BLOCK_HEADER_BYTES, (i + 1) * BLOCK_HEADER_BYTES);
      const hash = blockHash(bytes);
      const prev = out.at(-1);
      // a later page starts at the last header of the one before (the locator is inclusive)
      if (i === 0 && prev && bytesEqual(prev.hash, hash)) continue;
      if (prev && !bytesEqual(parseBlockHeader(bytes).prevHash, prev.hash)) {
        throw new VerificationError(
          "BLOCK_MISMATCH",
          `${peer}: headers for ${tipHex}: header ${out.length} is not the child of ${prev.hex}`,
          { ...detail, index: out.length },
        );
      }
      out.push({ bytes, hash, hex: toDisplayHex(hash) });
    }
    const last = out.at(-1)!;
    if (last.hex === tipHex) return out;
    if (page < HEADERS_PER_REQUEST) {
      throw new VerificationError("BLOCK_MISMATCH", `${peer}: headers for ${tipHex} end at ${last.hex}, not at it`, {
        ...detail,
        actual: last.hex,
      });
    }
    loc = [last.hash];
  }
}
