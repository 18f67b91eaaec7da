import { describe, expect, test } from "bun:test";
import { parseWireBlock } from "../block/wire-block.ts";
import { bytesEqual, sha256d, toDisplayHex, ZERO_HASH } from "../hash.ts";
import { parseSubtreeNodes } from "../subtree/nodes.ts";
import { facts, rng, VEC, vec } from "../testdata/helpers.ts";
import { txid } from "../tx/standard.ts";
import { blockMerkleRoot, liftRoot, MerkleBuilder, merkleRoot, subtreeRootFromChunks } from "./index.ts";

function cat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(64);
  out.set(a);
  out.set(b, 32);
  return out;
}

/** The go-subtree rule written the slow, literal way: pad with zeros to a power of two. */
function referenceRoot(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 1) return leaves[0] as Uint8Array;
  let size = 1;
  while (size < leaves.length) size *= 2;
  let level = [...leaves, ...new Array(size - leaves.length).fill(ZERO_HASH)];
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const l = level[i] as Uint8Array;
      const r = level[i + 1] as Uint8Array;
      const lz = bytesEqual(l, ZERO_HASH);
      next.push(lz ? ZERO_HASH : sha256d(cat(l, bytesEqual(r, ZERO_HASH) ? l : r)));
    }
    level = next;
  }
  return level[0] as Uint8Array;
}

describe("merkleRoot / MerkleBuilder", () => {
  test("match the literal zero-padding rule for 1..130 leaves and a few larger counts", () => {
    const rand = rng(7);
    for (const n of [...Array.from({ length: 130 }, (_, i) => i + 1), 255, 256, 257, 1000]) {
      const leaves = Array.from({ length: n }, () => Uint8Array.from({ length: 32 }, () => Math.floor(rand() * 256)));
      const expected = referenceRoot(leaves);
      expect(toDisplayHex(merkleRoot(leaves))).toBe(toDisplayHex(expected));
      const b = new MerkleBuilder();
      for (const l of leaves) b.push(l);
      expect(toDisplayHex(b.root())).toBe(toDisplayHex(expected));
      expect(b.length).toBe(n);
    }
  });

  test("one leaf is its own root; zero leaves throw", () => {
    const leaf = new Uint8Array(32).fill(3);
    expect(bytesEqual(merkleRoot([leaf]), leaf)).toBe(true);
    expect(() => merkleRoot([])).toThrow(RangeError);
    expect(() => new MerkleBuilder().root()).toThrow(RangeError);
  });

  test("liftRoot hashes the root with itself once per level", () => {
    const r = new Uint8Array(32).fill(9);
    expect(bytesEqual(liftRoot(r, 2, 4), sha256d(cat(sha256d(cat(r, r)), sha256d(cat(r, r)))))).toBe(true);
    expect(bytesEqual(liftRoot(r, 3, 3), r)).toBe(true);
  });
});

describe.skipIf(!VEC)("merkle conformance", () => {
  test("all 32 subtree roots of block 171 equal their names, and the block merkle root matches", async () => {
    const f = facts();
    const roots: Uint8Array[] = [];
    const leaves: number[] = [];
    const coinbaseTxid = new Uint8Array(Buffer.from(f.block171.block.coinbase_txid, "hex").reverse());
    for (const [i, name] of (f.block171.block.subtrees as string[]).entries()) {
      const nodes = parseSubtreeNodes(vec(`171/${name}.subtree`));
      expect(nodes.length).toBe(32);
      expect(toDisplayHex(merkleRoot(nodes))).toBe(name);
      const chunks = [nodes.slice(0, 5), nodes.slice(5)];
      const streamed = await subtreeRootFromChunks(chunks, i === 0 ? { coinbaseTxid } : {});
      roots.push(streamed.root);
      leaves.push(streamed.leaves);
    }
    expect(toDisplayHex(blockMerkleRoot(roots, { subtreeLeaves: leaves }))).toBe(f.block171.block.merkle_root);
  });

  for (const L of VEC ? facts().legacy : []) {
    test(`wire block …${L.block.slice(14, 28)}…: root, and subtree composition at S=256/1024 (lifted vs not)`, () => {
      const block = parseWireBlock(vec(`legacy-blocks/${L.block}.bin`));
      const ids = block.txs.map((t) => txid(t));
      expect(toDisplayHex(merkleRoot(ids))).toBe(L.merkle_root);
      for (const size of [256, 1024]) {
        const expected = L.subtree_composition[String(size)];
        const roots: Uint8Array[] = [];
        const counts: number[] = [];
        for (let k = 0; k < ids.length; k += size) {
          roots.push(merkleRoot(ids.slice(k, k + size)));
          counts.push(Math.min(size, ids.length - k));
        }
        expect(counts).toEqual(expected.chunks);
        const lifted = toDisplayHex(blockMerkleRoot(roots, { subtreeLeaves: counts }));
        const flat = toDisplayHex(blockMerkleRoot(roots, { subtreeLeaves: counts, lift: false }));
        expect(lifted === L.merkle_root).toBe(expected.padded_matches);
        expect(flat === L.merkle_root).toBe(expected.unpadded_matches);
      }
    });
  }
});
