import ipaddr from "ipaddr.js";
import { LRUCache } from "lru-cache";

/** A client as the limiter sees it: the key of its buckets, and whether it is never limited. */
export interface Client {
  readonly key: string;
  readonly exempt: boolean;
}

interface Address extends Client {
  /** A reverse proxy whose `X-Forwarded-For` names the client. */
  readonly trusted: boolean;
}

/**
 * A trusted proxy that sent no usable `X-Forwarded-For`: its clients cannot be told apart, and
 * must not be keyed or exempted by the proxy's address (a proxy on loopback would exempt all).
 */
export const UNKNOWN_CLIENT: Client = Object.freeze({ key: "unknown", exempt: false });

/** A request, or anything with its headers (tests). */
export interface WithHeaders {
  readonly headers: { get(name: string): string | null };
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** CIDRs as the settings package normalised them (`address/prefix`). */
function compile(cidrs: readonly string[], what: string): Range[] {
  return cidrs.map((c) => {
    if (!ipaddr.isValidCIDR(c)) throw new RangeError(`${what}: ${JSON.stringify(c)} is not a CIDR (address/prefix)`);
    return ipaddr.parseCIDR(c);
  });
}

function within(ranges: Range[], addr: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  const kind = addr.kind();
  for (const [net, bits] of ranges) if (net.kind() === kind && addr.match(net, bits)) return true;
  return false;
}

/** An address as sent by a socket or a proxy: bare, `[v6]:port` or `v4:port`; undefined if none. */
function parseLoose(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  // IPv4 parsed directly: `ipaddr.process` tries IPv6 first, a wasted parse for most peers.
  if (!text.includes(":")) return ipaddr.IPv4.isValid(text) ? ipaddr.IPv4.parse(text) : undefined;
  if (ipaddr.IPv6.isValid(text)) {
    const v6 = ipaddr.IPv6.parse(text);
    return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
  }
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(text) ?? /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(text);
  return m?.[1] && m[1] !== text ? parseLoose(m[1]) : undefined;
}

/**
 * Who a request comes from. The socket's peer, unless it is a trusted proxy: then
 * `X-Forwarded-For` read from the right, skipping trusted hops, names the client (the first
 * untrusted hop; the left-most if all are trusted). Reading from the left, as many servers do,
 * would let any client name itself, e.g. as 127.0.0.1 to be exempt. IPv4-mapped IPv6 peers are
 * their IPv4 address; IPv6 clients share one key per /64 (one subscriber's usual allocation).
 *
 * Parsed addresses are kept in a bounded LRU by their text: parsing with ipaddr.js costs more
 * than all the rest of the limiter's work, and in a flood the same peers come back.
 */
export class ClientResolver {
  readonly #exempt: Range[];
  readonly #trusted: Range[];
  readonly #cache: LRUCache<string, Address>;

  constructor(options: { exempt: readonly string[]; trustedProxies: readonly string[]; maxEntries: number }) {
    this.#exempt = compile(options.exempt, "rate limit exemptions");
    this.#trusted = compile(options.trustedProxies, "trusted proxies");
    this.#cache = new LRUCache({ max: options.maxEntries });
  }

  /** Addresses held in the parse cache. */
  get size(): number {
    return this.#cache.size;
  }

  /**
   * The client of `req` from `peer`. Its headers are read only when the peer is a trusted proxy:
   * Bun builds a request's `Headers` object on first access, a cost every 429 would pay.
   */
  resolve(peer: string, req: WithHeaders): Client {
    const p = this.#address(peer);
    if (!p) return { key: peer, exempt: false }; // not an IP (a Unix socket's path): its own key
    if (!p.trusted) return p;
    const forwarded = req.headers.get("x-forwarded-for");
    if (!forwarded) return UNKNOWN_CLIENT;
    const hops = forwarded.split(",");
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = this.#address((hops[i] as string).trim());
      if (!hop) return UNKNOWN_CLIENT;
      if (!hop.trusted || i === 0) return hop;
    }
    return UNKNOWN_CLIENT;
  }

  #address(text: string): Address | undefined {
    const known = this.#cache.get(text);
    if (known) return known;
    const addr = parseLoose(text);
    if (!addr) return undefined;
    const address: Address = {
      key: addr.kind() === "ipv6" ? keyOf64(addr as ipaddr.IPv6) : addr.toString(),
      exempt: within(this.#exempt, addr),
      trusted: within(this.#trusted, addr),
    };
    this.#cache.set(text, address);
    return address;
  }
}

function keyOf64(addr: ipaddr.IPv6): string {
  const p = addr.parts;
  return `${(p[0] ?? 0).toString(16)}:${(p[1] ?? 0).toString(16)}:${(p[2] ?? 0).toString(16)}:${(p[3] ?? 0).toString(16)}::/64`;
}
