import { describe, expect, test } from "bun:test";
import { lockKey, lockKeyParts, lockNamespace } from "./lock-key.ts";

const hash = (first: number[]) => Uint8Array.from({ length: 32 }, (_, i) => first[i] ?? 0xaa);

describe("lockKey", () => {
  test("namespace 0: the hash's first 8 bytes, big-endian, as a signed 64-bit integer", () => {
    expect(lockKey(hash([0, 0, 0, 0, 0, 0, 0, 1]), 0n)).toBe(1n);
    expect(lockKey(hash([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 0n)).toBe(-1n);
    expect(lockKey(hash([0x80, 0, 0, 0, 0, 0, 0, 0]), 0n)).toBe(-(2n ** 63n));
  });

  test("bytes after the 8th do not matter; the namespace changes the key; keys stay in bigint range", () => {
    const a = hash([1, 2, 3, 4, 5, 6, 7, 8]);
    const b = a.slice();
    b[31] = 0;
    expect(lockKey(a, 0n)).toBe(lockKey(b, 0n));
    const ns1 = lockNamespace("subtreekit");
    const ns2 = lockNamespace("tenant_b");
    expect(ns1).not.toBe(ns2);
    expect(lockKey(a, ns1)).not.toBe(lockKey(a, ns2));
    for (const ns of [ns1, ns2, -1n, 2n ** 63n - 1n]) {
      const k = lockKey(a, ns);
      expect(k >= -(2n ** 63n) && k < 2n ** 63n).toBe(true);
    }
  });

  test("pg_locks halves: classid is the high 32 bits, objid the low, both unsigned", () => {
    expect(lockKeyParts(-1n)).toEqual({ classid: 0xffff_ffff, objid: 0xffff_ffff });
    expect(lockKeyParts(0x0000_0001_0000_0002n)).toEqual({ classid: 1, objid: 2 });
  });

  test("a hash of the wrong length is a TypeError", () => {
    expect(() => lockKey(new Uint8Array(31), 0n)).toThrow(TypeError);
  });
});
