import { describe, expect, test } from "bun:test";
import { NodeHashes } from "./node-hashes.ts";
import { firstRepeat } from "./repeated-node.ts";

const hash = (seed: number, prefix?: number[]) => {
  const h = new Uint8Array(32);
  for (let i = 0; i < 32; i++) h[i] = (seed * 31 + i * 7) & 0xff;
  h[31] = seed & 0xff;
  h[30] = seed >> 8;
  if (prefix) h.set(prefix);
  return h;
};

describe("firstRepeat", () => {
  test("distinct nodes: none", () => {
    expect(firstRepeat(NodeHashes.of(Array.from({ length: 1000 }, (_, i) => hash(i))))).toBeUndefined();
  });

  test("a repeated last node (the CVE-2012-2459 shape) and a repeat far apart are found with both indexes", () => {
    const a = hash(1);
    const b = hash(2);
    const c = hash(3);
    expect(firstRepeat(NodeHashes.of([a, b, c, c]))).toEqual([2, 3]);
    const many = Array.from({ length: 500 }, (_, i) => hash(i + 10));
    many[417] = many[12]!;
    expect(firstRepeat(NodeHashes.of(many))).toEqual([12, 417]);
  });

  test("equal 6-byte prefixes that differ later are not a repeat; a real repeat among them is", () => {
    const p = [9, 9, 9, 9, 9, 9];
    const same = [hash(1, p), hash(2, p), hash(3, p)];
    expect(firstRepeat(NodeHashes.of(same))).toBeUndefined();
    expect(firstRepeat(NodeHashes.of([...same, hash(2, p)]))).toEqual([1, 3]);
  });

  test("of the repeats, the one whose second copy comes first is named", () => {
    const [a, b] = [hash(1), hash(2)];
    expect(firstRepeat(NodeHashes.of([a, b, hash(5), b, a]))).toEqual([1, 3]);
  });
});
