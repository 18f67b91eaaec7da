import { describe, expect, test } from "bun:test";
import { MalformedDataError } from "./errors/malformed-data-error.ts";
import { readVarint, varintSize, writeVarint } from "./varint.ts";

describe("varint", () => {
  test("round-trips each width with the canonical size", () => {
    for (const v of [0, 1, 0xfc, 0xfd, 0xffff, 0x10000, 0xffff_ffff, 0x1_0000_0000, Number.MAX_SAFE_INTEGER]) {
      const bytes = writeVarint(v);
      expect(bytes.length).toBe(varintSize(v));
      expect(readVarint(bytes, 0)).toEqual({ value: v, size: bytes.length });
    }
    expect(Array.from(writeVarint(253))).toEqual([0xfd, 0xfd, 0x00]);
  });

  test("accepts non-canonical encodings (as go-bt does) and reports the size used", () => {
    expect(readVarint(Uint8Array.of(0xfd, 0x01, 0x00), 0)).toEqual({ value: 1, size: 3 });
    expect(readVarint(Uint8Array.of(0xff, 5, 0, 0, 0, 0, 0, 0, 0), 0)).toEqual({ value: 5, size: 9 });
  });

  test("rejects values above 2^53-1 and truncation with typed errors", () => {
    const huge = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    expect(() => readVarint(huge, 0)).toThrow(MalformedDataError);
    const err = (() => {
      try {
        readVarint(Uint8Array.of(0, 0xfe, 1, 2), 1);
      } catch (e) {
        return e as MalformedDataError;
      }
    })();
    expect(err?.code).toBe("VARINT_TRUNCATED");
    expect(err?.offset).toBe(1);
    expect(() => readVarint(new Uint8Array(0), 0)).toThrow(MalformedDataError);
    expect(() => writeVarint(-1)).toThrow(RangeError);
    expect(() => writeVarint(2 ** 53)).toThrow(RangeError);
  });

  test("writes into a buffer at an offset", () => {
    const out = new Uint8Array(6);
    expect(writeVarint(0x10000, out, 1)).toBe(5);
    expect(readVarint(out, 1).value).toBe(0x10000);
  });
});
