import { describe, expect, test } from "bun:test";
import { firstRepeatedHash } from "./repeated-hash.ts";

const list = (hs: Uint8Array[]) => new Uint8Array(Buffer.concat(hs));

const hash = (seed: number, prefix?: number[]) => {
  const h = new Uint8Array(32);
  for (let i = 0; i < 32; i++) h[i] = (seed * 31 + i * 7) & 0xff;
  h[31] = seed & 0xff;
  h[30] = seed >> 8;
  if (prefix) h.set(prefix);
  return h;
};

describe("firstRepeatedHash", () => {
  test("distinct nodes: none", () => {
    expect(firstRepeatedHash(list(Array.from({ length: 1000 }, (_, i) => hash(i))))).toBeUndefined();
  });

  test("a repeated last node (the CVE-2012-2459 shape) and a repeat far apart are found with both indexes", () => {
    const a = hash(1);
    const b = hash(2);
    const c = hash(3);
    expect(firstRepeatedHash(list([a, b, c, c]))).toEqual([2, 3]);
    const many = Array.from({ length: 500 }, (_, i) => hash(i + 10));
    many[417] = many[12]!;
    expect(firstRepeatedHash(list(many))).toEqual([12, 417]);
  });

  test("equal 6-byte prefixes that differ later are not a repeat; a real repeat among them is", () => {
    const p = [9, 9, 9, 9, 9, 9];
    const same = [hash(1, p), hash(2, p), hash(3, p)];
    expect(firstRepeatedHash(list(same))).toBeUndefined();
    expect(firstRepeatedHash(list([...same, hash(2, p)]))).toEqual([1, 3]);
  });

  test("of the repeats, the one whose second copy comes first is named", () => {
    const [a, b] = [hash(1), hash(2)];
    expect(firstRepeatedHash(list([a, b, hash(5), b, a]))).toEqual([1, 3]);
  });

  test("a length that is not whole hashes is a RangeError; an empty list has no repeat", () => {
    expect(() => firstRepeatedHash(new Uint8Array(33))).toThrow(RangeError);
    expect(firstRepeatedHash(new Uint8Array(0))).toBeUndefined();
  });
});
