import { describe, expect, test } from "bun:test";
import { MalformedDataError } from "../errors/malformed-data-error.ts";
import { bytesEqual, COINBASE_PLACEHOLDER, isCoinbasePlaceholder, toDisplayHex } from "../hash.ts";
import { collect, facts, randomCuts, rng, streamOf, VEC, vec } from "../testdata/helpers.ts";
import {
  buildSubtree,
  parseSubtree,
  parseSubtreeNodes,
  readFullSubtreeNodes,
  readSubtreeNodes,
  serializeSubtree,
  serializeSubtreeNodes,
  subtreeRootHash,
} from "./index.ts";

const F4D22 = "subtrees/4d22d3ea8d618c6de784855bf4facd0760f4012852242adfd399cff700665f3d.subtree";
const FD61 = "subtrees/fd61a79793c4fb02ba14b85df98f5f60f727be359089d8fa125c4ce37945106b.subtree";

describe.skipIf(!VEC)("subtree conformance", () => {
  test("4d22: full form with S-1.0 magic — facts, root, byte-identical round trip", () => {
    const f = facts()["4d22"];
    const bytes = vec(F4D22);
    expect(bytes.length).toBe(f.bytes);
    const st = parseSubtree(bytes);
    expect(st.magic).toBe(f.magic);
    expect(st.nodes.length).toBe(f.nodes);
    expect(st.fees).toBe(f.fees);
    expect(st.sizeInBytes).toBe(f.size_in_bytes);
    expect(st.conflictingNodes.length).toBe(f.conflicting);
    expect(isCoinbasePlaceholder(st.nodes[0]?.hash as Uint8Array)).toBe(f.node0_placeholder);
    expect(toDisplayHex(st.nodes[1]?.hash as Uint8Array)).toBe(f.node1.txid);
    expect(st.nodes[1]?.size).toBe(f.node1.size);
    expect(st.nodes.reduce((s, n) => s + n.size, 0)).toBe(f.size_in_bytes);
    expect(toDisplayHex(subtreeRootHash(st))).toBe(F4D22.slice(9, 73));
    expect(bytesEqual(st.storedRoot, subtreeRootHash(st))).toBe(true);
    expect(bytesEqual(serializeSubtree(st), bytes)).toBe(true);
    expect(bytesEqual(serializeSubtree(st, { magic: null }), bytes.subarray(8))).toBe(true);
  });

  test("fd61: full form without magic", () => {
    const f = facts().fd61;
    const bytes = vec(FD61);
    const st = parseSubtree(bytes);
    expect(st.magic).toBeUndefined();
    expect([st.nodes.length, st.fees, st.sizeInBytes, st.conflictingNodes.length]).toEqual([
      f.nodes,
      f.fees,
      f.size_in_bytes,
      f.conflicting,
    ]);
    expect(bytesEqual(st.nodes[0]?.hash as Uint8Array, COINBASE_PLACEHOLDER)).toBe(true);
    expect(st.nodes[1]).toMatchObject({ fee: 1, size: 294 });
    expect(toDisplayHex(subtreeRootHash(st))).toBe(FD61.slice(9, 73));
    expect(bytesEqual(serializeSubtree(st), bytes)).toBe(true);
    expect(bytesEqual(serializeSubtree(buildSubtree(st.nodes)), bytes)).toBe(true);
  });

  test("nodes-only: e973 and model subtrees parse, round-trip and hash to their names", () => {
    for (const rel of [
      "subtrees/e973de16e606750feed45d7b02dcf493887ef27acabbd7913710b9f3454f2555.subtree",
      "model/5fd29c3ecd4219257b0746bc6adb91c67fec32046b93991fc4c7e1453b8e08b4.subtree",
      "model/79da80b50f9de16e3cbb0e17fb44f86bb3c7dd37787d85d38cda1acae69245a6.subtree",
    ]) {
      const bytes = vec(rel);
      const nodes = parseSubtreeNodes(bytes);
      expect(toDisplayHex(subtreeRootHash({ nodes: nodes.map((hash) => ({ hash, fee: 0, size: 0 })) }))).toBe(
        rel.split("/")[1]?.slice(0, 64) as string,
      );
      expect(bytesEqual(serializeSubtreeNodes(nodes), bytes)).toBe(true);
    }
  });

  test("streaming node readers give the same nodes under random chunking (nodes-only and full form)", async () => {
    const rand = rng(11);
    const full = vec(F4D22);
    const expected = parseSubtree(full).nodes.map((n) => n.hash);
    const nodesOnly = serializeSubtreeNodes(expected);
    for (let round = 0; round < 3; round++) {
      const a = (
        await collect(
          readSubtreeNodes(streamOf(nodesOnly, randomCuts(rand, nodesOnly.length, 40)), { chunkNodes: 1000 }),
        )
      ).flat();
      const b = (
        await collect(readFullSubtreeNodes(streamOf(full, randomCuts(rand, full.length, 40)), { chunkNodes: 777 }))
      ).flat();
      const c = (await collect(readFullSubtreeNodes(streamOf(full.subarray(8))))).flat();
      for (const got of [a, b, c]) {
        expect(got.length).toBe(expected.length);
        expect(got.every((h, i) => bytesEqual(h, expected[i] as Uint8Array))).toBe(true);
      }
    }
  });
});

describe("subtree errors", () => {
  test("bad lengths and counts are MalformedDataError with offsets", async () => {
    expect(() => parseSubtreeNodes(new Uint8Array(33))).toThrow(MalformedDataError);
    const st = buildSubtree([{ hash: new Uint8Array(32).fill(1), fee: 2, size: 3 }]);
    const bytes = serializeSubtree(st);
    expect(() => parseSubtree(bytes.subarray(0, bytes.length - 1))).toThrow(MalformedDataError);
    const extra = new Uint8Array(bytes.length + 1);
    extra.set(bytes);
    expect(() => parseSubtree(extra)).toThrow(MalformedDataError);
    const lying = bytes.slice();
    lying[48] = 0xff; // node count far beyond the bytes
    expect(() => parseSubtree(lying)).toThrow(MalformedDataError);
    await expect(collect(readSubtreeNodes(streamOf(new Uint8Array(70), [10])))).rejects.toThrow(MalformedDataError);
    await expect(collect(readFullSubtreeNodes(streamOf(bytes.subarray(0, 60))))).rejects.toThrow(MalformedDataError);
  });
});
