import { describe, expect, test } from "bun:test";
import { DEFAULT_MAX_CLIENTS, RateLimiter, type RateLimiterOptions } from "./rate-limiter.ts";
import { ROUTE_LIMITS } from "./route-limits.ts";

const NO_HEADERS = { headers: new Headers() };

function limiter(over: Partial<RateLimiterOptions> = {}) {
  const clock = { now: 0 };
  const l = new RateLimiter({
    globalRate: 1024,
    heavyRate: 5,
    exempt: [],
    trustedProxies: [],
    now: () => clock.now,
    ...over,
  });
  /** How many of `n` requests at the same instant get through. */
  const passes = (route = ROUTE_LIMITS.subtree_data, peer = "198.51.100.1", n = 40) => {
    let ok = 0;
    for (let i = 0; i < n; i++) if (!l.check(route, peer, NO_HEADERS)) ok++;
    return ok;
  };
  return { l, clock, passes };
}

describe("rate limiter", () => {
  test("a heavy route gives a burst of `rate`, then 429 with the wait in whole seconds", () => {
    const { l, clock, passes } = limiter();
    expect(passes()).toBe(5);
    expect(l.check(ROUTE_LIMITS.subtree_data, "198.51.100.1", NO_HEADERS)).toEqual({
      scope: "heavy",
      retryAfterS: 1,
      client: "198.51.100.1",
      unlogged: -1, // the 36th refusal within the same second: not logged
    });
    clock.now += 1000;
    expect(passes()).toBe(5);
  });

  test("each heavy route has its own bucket per client, and each client its own", () => {
    const { passes } = limiter();
    expect(passes(ROUTE_LIMITS.subtree_data)).toBe(5);
    expect(passes(ROUTE_LIMITS.block)).toBe(5);
    expect(passes(ROUTE_LIMITS.rest_block)).toBe(5);
    expect(passes(ROUTE_LIMITS.subtree_data, "198.51.100.2")).toBe(5);
  });

  test("the global bucket is per client over every limited route; free routes are never limited", () => {
    const { l, passes } = limiter({ globalRate: 20, heavyRate: 0 });
    expect(passes(ROUTE_LIMITS.tx, "198.51.100.1", 15) + passes(ROUTE_LIMITS.block, "198.51.100.1", 15)).toBe(20);
    expect(l.check(ROUTE_LIMITS.other, "198.51.100.1", NO_HEADERS)?.scope).toBe("global");
    expect(passes(ROUTE_LIMITS.free, "198.51.100.1", 100)).toBe(100);
    expect(passes(ROUTE_LIMITS.tx, "198.51.100.2", 15)).toBe(15);
  });

  test("0 turns a bucket off; both 0 disable the limiter", () => {
    expect(limiter({ heavyRate: 0 }).passes()).toBe(40);
    expect(limiter({ globalRate: 0 }).passes()).toBe(5);
    expect(limiter({ globalRate: 0 }).passes(ROUTE_LIMITS.tx, "198.51.100.1", 5000)).toBe(5000);
    expect(limiter({ globalRate: 0, heavyRate: 0 }).l.enabled).toBe(false);
  });

  test("exempt clients and requests with no peer address are not limited", () => {
    const { passes } = limiter({ exempt: ["198.51.100.0/24"] });
    expect(passes(ROUTE_LIMITS.subtree_data, "198.51.100.1")).toBe(40);
    expect(passes(ROUTE_LIMITS.subtree_data, "198.51.101.1")).toBe(5);
    const { l } = limiter();
    for (let i = 0; i < 40; i++) expect(l.check(ROUTE_LIMITS.subtree_data, undefined, NO_HEADERS)).toBeUndefined();
    expect(l.size).toEqual({ clients: 0, addresses: 0 });
  });

  test("IPv6 clients in one /64 share a bucket", () => {
    const { l, passes } = limiter();
    for (let i = 1; i <= 5; i++) expect(l.check(ROUTE_LIMITS.block, `2001:db8:7:8::${i}`, NO_HEADERS)).toBeUndefined();
    expect(l.check(ROUTE_LIMITS.block, "2001:db8:7:8:abcd::99", NO_HEADERS)?.scope).toBe("heavy");
    expect(passes(ROUTE_LIMITS.block, "2001:db8:7:9::1")).toBe(5);
  });

  test("memory stays bounded under 100 000 distinct client keys: both tables hold at most maxClients", () => {
    const { l, clock } = limiter();
    let peak = { clients: 0, addresses: 0 };
    let admitted = 0;
    for (let i = 0; i < 100_000; i++) {
      const peer = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      // Each new client gets its burst: the table never refuses a newcomer for lack of room.
      if (!l.check(ROUTE_LIMITS.subtree_data, peer, NO_HEADERS)) admitted++;
      if (i % 1000 === 999) {
        const s = l.size;
        peak = { clients: Math.max(peak.clients, s.clients), addresses: Math.max(peak.addresses, s.addresses) };
      }
      clock.now += 0.01;
    }
    expect(admitted).toBe(100_000);
    expect(peak).toEqual({ clients: DEFAULT_MAX_CLIENTS, addresses: DEFAULT_MAX_CLIENTS });
    expect(l.size).toEqual({ clients: DEFAULT_MAX_CLIENTS, addresses: DEFAULT_MAX_CLIENTS });
    // The most recent client is still remembered (and limited); the oldest was dropped and starts afresh.
    const last = "10.1.134.159"; // i = 99 999
    for (let i = 0; i < 4; i++) l.check(ROUTE_LIMITS.subtree_data, last, NO_HEADERS);
    expect(l.check(ROUTE_LIMITS.subtree_data, last, NO_HEADERS)?.scope).toBe("heavy");
    for (let i = 0; i < 4; i++) expect(l.check(ROUTE_LIMITS.subtree_data, "10.0.0.0", NO_HEADERS)).toBeUndefined();
  });

  test("at most one refusal a second per client is logged, with the count of those left out", () => {
    const { l, clock } = limiter({ heavyRate: 1 });
    const refusal = (peer = "198.51.100.1") => l.check(ROUTE_LIMITS.block, peer, NO_HEADERS);
    expect(refusal()).toBeUndefined();
    expect(refusal()?.unlogged).toBe(0); // first refusal: logged
    for (let i = 0; i < 7; i++) expect(refusal()?.unlogged).toBe(-1);
    expect(refusal("198.51.100.2")).toBeUndefined();
    expect(refusal("198.51.100.2")?.unlogged).toBe(0); // another client is logged on its own
    clock.now += 999;
    expect(refusal()?.unlogged).toBe(-1);
    clock.now += 1; // one token back: passes, then the next refusal is logged with the 8 left out
    expect(refusal()).toBeUndefined();
    expect(refusal()?.unlogged).toBe(8);
  });
});
