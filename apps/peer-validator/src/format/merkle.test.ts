import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { requireVectors, vectorPath } from "@subtreekit/testkit";
import { blockMerkleRoot } from "./block-merkle.ts";
import { merkleRoot } from "./merkle.ts";
import { parseModelBlock } from "./model-block.ts";
import { displayHexAt, sha256dInto } from "./sha256d.ts";
import { newTxScan, scanTx } from "./tx-scan.ts";

const vectors = requireVectors("peer-validator merkle");
const facts = vectors ? JSON.parse(readFileSync(vectorPath("facts.json"), "utf8")) : undefined;
const read = (...p: string[]) => new Uint8Array(readFileSync(vectorPath(...p)));

test.skipIf(!vectors)("every 171 subtree's nodes hash to its name; the block root recomputes from them", () => {
  const block = parseModelBlock(read("171", `${facts.block171.block.hash}.block`));
  expect(displayHexAt(block.hash)).toBe(facts.block171.block.hash);
  expect(block.height).toBe(171);
  expect(block.txCount).toBe(1024);
  const nodes = block.subtrees.map((h) => read("171", `${displayHexAt(h)}.subtree`));
  expect(nodes.map((n) => displayHexAt(merkleRoot(n)))).toEqual(block.subtrees.map((h) => displayHexAt(h)));
  const root = blockMerkleRoot(
    nodes[0]!,
    block.coinbaseTxid,
    nodes.map((n, i) => ({ root: block.subtrees[i]!, leaves: n.length / 32 })),
  );
  expect(displayHexAt(root)).toBe(facts.block171.block.merkle_root);
});

test.skipIf(!vectors).each([
  [
    "00000000000000000a61d5ca638906e74376e36e7a080b58a513629496a41cc4",
    "5fd29c3ecd4219257b0746bc6adb91c67fec32046b93991fc4c7e1453b8e08b4",
  ],
  [
    "000000000000000013fe95f5780829671cf1b5e62d5fb3fa9672403fdb0d1786",
    "79da80b50f9de16e3cbb0e17fb44f86bb3c7dd37787d85d38cda1acae69245a6",
  ],
])("mainnet model block %s: one subtree, root with the coinbase equals the header's", (hash, subtree) => {
  const block = parseModelBlock(read("model", `${hash}.block`));
  expect(displayHexAt(block.hash)).toBe(hash);
  const nodes = read("model", `${subtree}.subtree`);
  expect(displayHexAt(merkleRoot(nodes))).toBe(subtree);
  const root = blockMerkleRoot(nodes, block.coinbaseTxid, [{ root: block.subtrees[0]!, leaves: nodes.length / 32 }]);
  expect(Buffer.from(root).equals(Buffer.from(block.merkleRoot))).toBe(true);
});

/** Txids of a legacy wire block: header(80) | varint n | n txs. */
function legacyTxids(bytes: Uint8Array): Uint8Array[] {
  let p = 81 + (bytes[80]! < 0xfd ? 0 : 2);
  const scan = newTxScan();
  const out: Uint8Array[] = [];
  while (p < bytes.length) {
    const end = scanTx(bytes, p, bytes.length, 1 << 30, scan);
    out.push(sha256dInto(bytes.subarray(p, end), new Uint8Array(32)));
    p = end;
  }
  return out;
}

test.skipIf(!vectors)(
  "legacy mainnet blocks split into 256-leaf subtrees: padded composition matches every header",
  () => {
    for (const f of [
      "00000000000000000488eecd93d6f3767b1ba38668200a6a5349af2e0d4fad3f",
      "00000000000000000ad4cd15bbeaf6cb4583c93e13e311f9774194aadea87386",
      "0000000000000000015594853418b4093c4be4ad8b77fec88b5400feb3268fc4",
      "000000000000000009631dd3dd7357675d8a1f8925be5e7851c68255531ac5fb",
    ]) {
      const bytes = read("legacy-blocks", `${f}.bin`);
      const txids = legacyTxids(bytes);
      const chunks: Uint8Array[] = [];
      for (let k = 0; k < txids.length; k += 256) {
        const c = new Uint8Array(Math.min(256, txids.length - k) * 32);
        txids.slice(k, k + 256).forEach((t, i) => {
          c.set(t, i * 32);
        });
        chunks.push(c);
      }
      const placeholder = chunks[0]!.slice();
      placeholder.fill(0xff, 0, 32);
      const shapes = chunks.map((c, i) => ({ root: merkleRoot(i === 0 ? placeholder : c), leaves: c.length / 32 }));
      const root = blockMerkleRoot(placeholder, txids[0]!, shapes);
      expect(displayHexAt(root)).toBe(displayHexAt(bytes.subarray(36, 68)));
    }
  },
);
