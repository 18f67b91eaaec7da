import { firstRepeatedHash, isCoinbasePlaceholder, MerkleBuilder, toDisplayHex } from "@subtreekit/subtree-stream";
import { VerificationError } from "../errors/verification-error.ts";
import { peerFetchAll } from "../http/peer-fetch-all.ts";
import type { Session } from "../session.ts";
import { NodeHashes } from "./node-hashes.ts";

/**
 * `GET /subtree/:hash` from one peer: nodes only (n × 32 bytes), read bounded at
 * `max_subtree_leaves` × 32 so a hostile peer cannot make us buffer without limit, and checked:
 * whole hashes, at least one, the placeholder only at node 0, the merkle root equal to the hash
 * we asked for (before any tx is fetched, as CheckBlockSubtrees does), and no node twice.
 */
export async function fetchNodes(s: Session, peer: string, hex: string): Promise<NodeHashes> {
  const max = s.settings.max_subtree_leaves * 32;
  const detail = { peer, subtree: hex };
  const bytes = await peerFetchAll(s, peer, `/subtree/${hex}`, {
    maxBytes: max,
    tooLarge: (n) => `${peer}: subtree ${hex}: nodes body above ${max} bytes (max_subtree_leaves) at ${n}`,
    detail,
  });
  if (bytes.length === 0 || bytes.length % 32 !== 0)
    throw new VerificationError(
      "MALFORMED",
      `${peer}: subtree ${hex}: nodes body of ${bytes.length} bytes is not a whole number of 32-byte hashes`,
      detail,
    );
  const nodes = new NodeHashes(bytes);
  const root = new MerkleBuilder();
  root.push(nodes.at(0));
  // One scratch hash refilled per node (the builder copies it): a view per node was ~100 MiB of
  // garbage on a 1M-node subtree, the validator's peak before any tx arrived.
  const node = new Uint8Array(32);
  for (let i = 1; i < nodes.length; i++) {
    nodes.copyTo(i, node, 0);
    if (isCoinbasePlaceholder(node))
      throw new VerificationError("MALFORMED", `${peer}: subtree ${hex}: coinbase placeholder at node ${i}`, {
        ...detail,
        index: i,
      });
    root.push(node);
  }
  const actual = toDisplayHex(root.root());
  if (actual !== hex)
    throw new VerificationError(
      "ROOT_MISMATCH",
      `${peer}: subtree ${hex}: merkle root of the ${nodes.length} nodes is ${actual}, expected ${hex}`,
      { ...detail, expected: hex, actual },
    );
  const repeat = firstRepeatedHash(nodes.bytes);
  if (repeat)
    throw new VerificationError(
      "REPEATED_NODE",
      `${peer}: subtree ${hex}: node ${repeat[1]} repeats node ${repeat[0]} (${toDisplayHex(nodes.at(repeat[0]))}); a tx is in a block once`,
      { ...detail, index: repeat[1] },
    );
  return nodes;
}
