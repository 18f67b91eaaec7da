import { describe, expect, test } from "bun:test";
import { parseListenAddress } from "./listen-address.ts";
import { concurrency, durationMs, integer, pathPrefix, url } from "./parsers.ts";

describe("parsers", () => {
  test("integer rejects non-numbers, fractions, out-of-range and unsafe values", () => {
    const s = integer(1);
    expect(s.parse(" 42 ")).toBe(42);
    for (const bad of ["", "abc", "1.5", "0", "-3", "1e3", "0x10", "99999999999999999999"]) {
      expect(s.safeParse(bad).success).toBe(false);
    }
  });

  test("concurrency rejects values below -1", () => {
    expect(concurrency().safeParse("-2").success).toBe(false);
    expect(concurrency().parse("7")).toBe(7);
  });

  test.each([
    ["250", 250],
    ["250ms", 250],
    ["30s", 30_000],
    ["1.5s", 1500],
    ["5m", 300_000],
    ["1h", 3_600_000],
  ])("duration %p → %p ms", (raw, ms) => {
    expect(durationMs().parse(raw)).toBe(ms);
  });

  test("duration rejects negatives and unknown units", () => {
    for (const bad of ["-1", "5d", "s", "fast"]) expect(durationMs().safeParse(bad).success).toBe(false);
  });

  test("url checks the scheme", () => {
    const s = url(["sqlite", "postgres"]);
    expect(s.parse("postgres://u@h/db")).toBe("postgres://u@h/db");
    expect(s.safeParse("mysql://h/db").success).toBe(false);
    expect(s.safeParse("not a url").success).toBe(false);
  });

  test("path prefix", () => {
    expect(pathPrefix().parse("")).toBe("");
    expect(pathPrefix().parse("/api/v1")).toBe("/api/v1");
    for (const bad of ["api", "/api/", "/a b"]) expect(pathPrefix().safeParse(bad).success).toBe(false);
  });

  test("listen address", () => {
    expect(parseListenAddress(":8090")).toEqual({ hostname: undefined, port: 8090 });
    expect(parseListenAddress("127.0.0.1:80")).toEqual({ hostname: "127.0.0.1", port: 80 });
    expect(parseListenAddress("[::1]:0")).toEqual({ hostname: "::1", port: 0 });
    for (const bad of ["8090", ":", ":70000", "host:port", "::1:80"]) expect(parseListenAddress(bad)).toBeUndefined();
  });
});
