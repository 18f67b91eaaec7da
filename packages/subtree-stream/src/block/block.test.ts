import { describe, expect, test } from "bun:test";
import { MalformedDataError } from "../errors/malformed-data-error.ts";
import { SubtreeStreamError } from "../errors.ts";
import { bytesEqual, fromDisplayHex, toDisplayHex } from "../hash.ts";
import { subtreeRootWithCoinbase } from "../merkle/block-merkle.ts";
import { parseSubtreeNodes } from "../subtree/nodes.ts";
import { collect, facts, randomCuts, rng, streamOf, VEC, vec } from "../testdata/helpers.ts";
import { isCoinbase } from "../tx/coinbase.ts";
import { txid } from "../tx/standard.ts";
import { parseTx } from "../tx/tx.ts";
import { varintSize } from "../varint.ts";
import {
  bitsToTarget,
  blockHash,
  encodeWireBlockHead,
  legacyBlockPrefix,
  meetsTarget,
  parseBlockHeader,
  parseModelBlock,
  parseWireBlock,
  readWireBlock,
  serializeModelBlock,
  serializeWireBlock,
} from "./index.ts";

describe.skipIf(!VEC)("model blocks", () => {
  test("171: every header field, counts, coinbase, byte-identical round trip", () => {
    const f = facts().block171.block;
    const bytes = vec(f.file);
    const b = parseModelBlock(bytes);
    expect(toDisplayHex(blockHash(b.header))).toBe(f.hash);
    expect(meetsTarget(b.header)).toBe(true);
    expect(b.header.version).toBe(f.version);
    expect(toDisplayHex(b.header.prevHash)).toBe(f.prev);
    expect(toDisplayHex(b.header.merkleRoot)).toBe(f.merkle_root);
    expect([b.header.timestamp, b.header.bits, b.header.nonce]).toEqual([f.time, Number(f.bits), f.nonce]);
    expect([b.txCount, b.sizeInBytes, b.height]).toEqual([f.tx_count, f.size_in_bytes, f.height]);
    expect(b.subtrees.map(toDisplayHex)).toEqual(f.subtrees);
    expect(b.coinbaseTx.length).toBe(f.coinbase_bytes);
    expect(toDisplayHex(txid(b.coinbaseTx))).toBe(f.coinbase_txid);
    expect(isCoinbase(b.coinbaseTx)).toBe(true);
    expect(parseTx(b.coinbaseTx).extended).toBe(f.coinbase_extended);
    expect(bytesEqual(serializeModelBlock(b), bytes)).toBe(true);
    // Size check from MANIFEST: 80 + varint(txCount) + coinbase + standard bytes of the other txs.
    expect(80 + varintSize(b.txCount) + b.coinbaseTx.length + f.non_coinbase_std_bytes).toBe(b.sizeInBytes);
  });

  for (const m of VEC ? facts().model : []) {
    test(`model ${m.block.slice(-8)}: round trip, single-subtree merkle root with coinbase`, () => {
      const bytes = vec(`model/${m.block}.block`);
      expect(bytes.length).toBe(m.bytes);
      const b = parseModelBlock(bytes);
      expect(toDisplayHex(blockHash(b.header))).toBe(m.block);
      expect(meetsTarget(b.header)).toBe(true);
      expect([b.height, b.txCount, b.sizeInBytes]).toEqual([m.height, m.tx_count, m.size_in_bytes]);
      expect(b.subtrees.map(toDisplayHex)).toEqual([m.subtree]);
      expect(toDisplayHex(b.header.prevHash)).toBe(m.prev);
      expect(b.header.bits).toBe(Number(m.bits));
      expect(bytesEqual(serializeModelBlock(b), bytes)).toBe(true);
      const nodes = parseSubtreeNodes(vec(`model/${m.subtree}.subtree`));
      expect(nodes.length).toBe(m.subtree_nodes);
      expect(toDisplayHex(txid(b.coinbaseTx))).toBe(m.coinbase_txid);
      expect(toDisplayHex(subtreeRootWithCoinbase(nodes, txid(b.coinbaseTx)))).toBe(m.merkle_root);
      expect(toDisplayHex(b.header.merkleRoot)).toBe(m.merkle_root);
    });
  }

  test("cut model blocks are MalformedDataError", () => {
    const bytes = vec(facts().block171.block.file);
    for (const n of [10, 85, 200, 1100, bytes.length - 1]) {
      expect(() => parseModelBlock(bytes.subarray(0, n))).toThrow(SubtreeStreamError);
    }
    expect(() => parseModelBlock(bytes.subarray(0, 85))).toThrow(MalformedDataError);
  });
});

describe.skipIf(!VEC)("model block coinbase BUMP", () => {
  test("a trailing BUMP round-trips; a BUMP length that disagrees with the bytes is rejected", () => {
    const block = parseModelBlock(vec(facts().block171.block.file));
    expect(block.coinbaseBump).toBeUndefined();
    const withBump = serializeModelBlock({ ...block, coinbaseBump: Uint8Array.of(1, 2, 3, 4, 5) });
    const again = parseModelBlock(withBump);
    expect(Array.from(again.coinbaseBump ?? [])).toEqual([1, 2, 3, 4, 5]);
    expect(bytesEqual(serializeModelBlock(again), withBump)).toBe(true);
    expect(() => parseModelBlock(withBump.subarray(0, withBump.length - 1))).toThrow(MalformedDataError);
  });
});

describe.skipIf(!VEC)("wire blocks", () => {
  for (const L of VEC ? facts().legacy : []) {
    test(`${L.block.slice(14, 28)}: parse, hash, PoW, BIP34 height, serialize, stream with a prefix and random chunks`, async () => {
      const bytes = vec(`legacy-blocks/${L.block}.bin`);
      const b = parseWireBlock(bytes);
      expect(b.txs.length).toBe(L.tx_count);
      expect(toDisplayHex(blockHash(b.header))).toBe(L.block);
      expect(meetsTarget(b.header)).toBe(true);
      expect(toDisplayHex(txid(b.txs[0] as never))).toBe(L.coinbase_txid);
      expect(isCoinbase(b.txs[0] as never)).toBe(true);
      expect(b.txs.some((t) => t.extended)).toBe(L.any_extended);
      // BIP34: first push of the coinbase script is the height.
      const cb = (b.txs[0] as { bytes: Uint8Array }).bytes;
      const push = cb[42] as number;
      let height = 0;
      for (let i = push - 1; i >= 0; i--) height = height * 256 + (cb[43 + i] as number);
      expect(height).toBe(L.height_bip34);
      expect(
        bytesEqual(
          serializeWireBlock(
            b.header,
            b.txs.map((t) => t.bytes),
          ),
          bytes,
        ),
      ).toBe(true);

      const prefixed = serializeWireBlock(
        b.header,
        b.txs.map((t) => t.bytes),
        { prefixSizeInBytes: bytes.length },
      );
      const parts = await collect(readWireBlock(streamOf(prefixed, randomCuts(rng(3), prefixed.length, 60))));
      const head = parts[0];
      expect(head?.type === "header" && head.txCount === L.tx_count && head.prefixed).toBe(true);
      const txs = parts.slice(1);
      expect(txs.length).toBe(L.tx_count);
      expect(txs.every((p, i) => p.type === "tx" && p.index === i && bytesEqual(p.txid, txid(b.txs[i] as never)))).toBe(
        true,
      );
    });
  }

  test("header chains: linked and all meeting their targets", () => {
    for (const h of facts().headers) {
      const bytes = vec(h.file);
      expect(bytes.length / 80).toBe(h.count);
      let prev = fromDisplayHex(h.first_prev);
      for (let i = 0; i < h.count; i++) {
        const raw = bytes.subarray(i * 80, i * 80 + 80);
        const header = parseBlockHeader(raw);
        expect(bytesEqual(header.prevHash, prev)).toBe(true);
        expect(meetsTarget(raw)).toBe(true);
        prev = blockHash(raw);
        if (i === 0) expect(toDisplayHex(prev)).toBe(h.first_hash);
      }
      expect(toDisplayHex(prev)).toBe(h.last_hash);
    }
  });
});

describe("legacy prefix and wire errors", () => {
  test("prefix size = sizeInBytes + 80 + varint(txCount), mainnet magic, as the reference computes it", () => {
    const p = legacyBlockPrefix(233441, 1024);
    expect(Array.from(p.subarray(0, 4))).toEqual([0xf9, 0xbe, 0xb4, 0xd9]);
    expect(new DataView(p.buffer).getUint32(4, true)).toBe(233441 + 80 + 3);
    const header = {
      version: 1,
      prevHash: new Uint8Array(32),
      merkleRoot: new Uint8Array(32),
      timestamp: 0,
      bits: 0,
      nonce: 0,
    };
    const head = encodeWireBlockHead(header, 300, { prefixSizeInBytes: 1000 });
    expect(head.length).toBe(8 + 80 + 3);
    expect(new DataView(head.buffer).getUint32(4, true)).toBe(1000 + 80 + 3);
  });

  test("bitsToTarget: genesis bits", () => {
    expect(bitsToTarget(0x1d00ffff)).toBe(0xffffn << 208n);
    expect(bitsToTarget(0x01803456)).toBe(0n);
  });

  test("tx count mismatches and cut streams are typed errors", async () => {
    const header = {
      version: 1,
      prevHash: new Uint8Array(32),
      merkleRoot: new Uint8Array(32),
      timestamp: 0,
      bits: 0,
      nonce: 0,
    };
    const tx = new Uint8Array(60);
    tx[0] = 1;
    tx[4] = 1;
    tx[46] = 1;
    const two = serializeWireBlock(header, [tx, tx]);
    const lying = two.slice();
    lying[80] = 3;
    await expect(collect(readWireBlock(streamOf(lying)))).rejects.toThrow(MalformedDataError);
    lying[80] = 1;
    await expect(collect(readWireBlock(streamOf(lying)))).rejects.toThrow(MalformedDataError);
    expect(() => parseWireBlock(lying)).toThrow(MalformedDataError);
    await expect(collect(readWireBlock(streamOf(two.subarray(0, two.length - 3))))).rejects.toThrow(
      /inside a transaction/,
    );
  });
});
