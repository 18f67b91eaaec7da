import { describe, expect, test } from "bun:test";
import { ClientResolver, UNKNOWN_CLIENT } from "./client-address.ts";

const headers = (xff?: string) => ({ headers: new Headers(xff === undefined ? {} : { "x-forwarded-for": xff }) });
const resolver = (trustedProxies: string[] = [], exempt = ["127.0.0.0/8", "::1/128"]) =>
  new ClientResolver({ exempt, trustedProxies, maxEntries: 1000 });

describe("client address", () => {
  test("IPv4 clients are keyed by address, IPv4-mapped IPv6 peers as their IPv4 address", () => {
    const r = resolver();
    expect(r.resolve("203.0.113.7", headers())).toMatchObject({ key: "203.0.113.7", exempt: false });
    expect(r.resolve("::ffff:203.0.113.7", headers())).toMatchObject({ key: "203.0.113.7", exempt: false });
    expect(r.resolve("::ffff:127.0.0.1", headers())).toMatchObject({ exempt: true });
  });

  test("IPv6 clients share one key per /64; exemption is by the full address", () => {
    const r = resolver();
    const a = r.resolve("2001:db8:1:2::1", headers());
    const b = r.resolve("2001:db8:1:2:ffff:ffff:ffff:ffff", headers());
    const c = r.resolve("2001:db8:1:3::1", headers());
    expect(a.key).toBe(b.key);
    expect(a.key).not.toBe(c.key);
    expect(r.resolve("::1", headers()).exempt).toBe(true);
    expect(r.resolve("::2", headers()).exempt).toBe(false);
  });

  test("an untrusted peer's X-Forwarded-For is ignored", () => {
    const r = resolver(["10.0.0.0/8"]);
    expect(r.resolve("203.0.113.7", headers("198.51.100.1"))).toMatchObject({ key: "203.0.113.7" });
    expect(r.resolve("127.0.0.1", headers("198.51.100.1")).exempt).toBe(true);
  });

  test("a trusted proxy's X-Forwarded-For is read from the right, past trusted hops", () => {
    const r = resolver(["10.0.0.0/8", "127.0.0.1/32"]);
    expect(r.resolve("10.0.0.5", headers("198.51.100.1")).key).toBe("198.51.100.1");
    // A client that writes its own header cannot name itself: the proxy appended its real address.
    expect(r.resolve("10.0.0.5", headers("127.0.0.1, 198.51.100.1"))).toMatchObject({
      key: "198.51.100.1",
      exempt: false,
    });
    expect(r.resolve("10.0.0.5", headers("198.51.100.1, 10.0.0.9")).key).toBe("198.51.100.1");
    expect(r.resolve("10.0.0.5", headers("[2001:db8::5]:443")).key).toBe("2001:db8:0:0::/64");
    expect(r.resolve("10.0.0.5", headers("198.51.100.1:5555")).key).toBe("198.51.100.1");
    // All hops trusted: the left-most is the client, exempt by its own address only.
    expect(r.resolve("10.0.0.5", headers("127.0.0.1, 10.0.0.9"))).toMatchObject({ key: "127.0.0.1", exempt: true });
  });

  test("a trusted proxy on loopback is never exempt by its own address: no header or a bad one is the unknown client", () => {
    const r = resolver(["127.0.0.0/8"]);
    expect(r.resolve("127.0.0.1", headers())).toBe(UNKNOWN_CLIENT);
    expect(r.resolve("127.0.0.1", headers("not-an-ip"))).toBe(UNKNOWN_CLIENT);
    expect(r.resolve("127.0.0.1", headers("198.51.100.1, garbage"))).toBe(UNKNOWN_CLIENT);
    expect(UNKNOWN_CLIENT.exempt).toBe(false);
  });

  test("a range that is not address/prefix is refused with the item named", () => {
    expect(() => resolver(["10.0.0.1"])).toThrow('trusted proxies: "10.0.0.1" is not a CIDR');
  });
});
