import { describe, expect, test } from "bun:test";
import { serializeSubtreeChunks } from "./serialize-chunks.ts";
import { buildSubtree, type SubtreeNode, serializeSubtree } from "./subtree.ts";

const nodesOf = (n: number): SubtreeNode[] =>
  Array.from({ length: n }, (_, i) => ({
    hash: new Uint8Array(32).fill((i * 7 + 1) % 256),
    fee: i * 3,
    size: 200 + i,
  }));

describe("serializeSubtreeChunks", () => {
  for (const n of [1, 3, 8, 9, 17]) {
    test(`${n} nodes in pieces of 8: the same bytes as serializeSubtree without magic, no piece above 8 nodes`, () => {
      const st = buildSubtree(nodesOf(n));
      const pieces = [...serializeSubtreeChunks({ ...st, count: n }, st.nodes, { nodesPerChunk: 8 })];
      expect(Buffer.concat(pieces)).toEqual(Buffer.from(serializeSubtree(st, { magic: null })));
      expect(Math.max(...pieces.map((p) => p.length))).toBeLessThanOrEqual(8 * 48 + 8);
      expect(new Set(pieces.map((p) => p.buffer)).size).toBe(pieces.length); // fresh buffers
    });
  }

  test("a node count that disagrees with the head is a RangeError, both ways", () => {
    const st = buildSubtree(nodesOf(4));
    expect(() => [...serializeSubtreeChunks({ ...st, count: 3 }, st.nodes)]).toThrow(RangeError);
    expect(() => [...serializeSubtreeChunks({ ...st, count: 5 }, st.nodes)]).toThrow(RangeError);
  });
});
