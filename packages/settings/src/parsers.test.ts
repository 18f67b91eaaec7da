import { describe, expect, test } from "bun:test";
import { parseListenAddress } from "./listen-address.ts";
import { cidrList, concurrency, durationMs, integer, pathPrefix, url } from "./parsers.ts";

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

  test("CIDR list: normalised, bare addresses are one host, mapped IPv4 ranges become IPv4, empty is none", () => {
    expect(cidrList().parse("127.0.0.0/8, ::1")).toEqual(["127.0.0.0/8", "::1/128"]);
    expect(cidrList().parse("10.1.2.3,2001:DB8:0:0::/32")).toEqual(["10.1.2.3/32", "2001:db8::/32"]);
    expect(cidrList().parse("::ffff:10.0.0.0/104")).toEqual(["10.0.0.0/8"]);
    expect(cidrList().parse("")).toEqual([]);
    expect(cidrList().parse(" , ")).toEqual([]);
  });

  test("CIDR list rejects bad items and names the first one", () => {
    for (const bad of [
      "10.0.0.0/33",
      "::1/129",
      "127.1",
      "0x7f.0.0.1",
      "10.0.0.0/",
      "10.0.0.0/8/8",
      "fe80::1%eth0",
      "lo",
      "10.0.0.0/-1",
    ]) {
      const r = cidrList().safeParse(`127.0.0.0/8,${bad}`);
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.message).toContain(JSON.stringify(bad));
    }
  });
});
