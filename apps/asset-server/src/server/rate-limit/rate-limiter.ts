import { LRUCache } from "lru-cache";
import { type Client, ClientResolver, type WithHeaders } from "./client-address.ts";
import { HEAVY_ROUTES, type RouteLimit } from "./route-limits.ts";
import { TokenBucket } from "./token-bucket.ts";

/** Clients remembered at once, as the reference's LRU: a client dropped comes back with full buckets. */
export const DEFAULT_MAX_CLIENTS = 50_000;

export interface RateLimiterOptions {
  /** Requests/s per client over every limited route; 0 = off. */
  globalRate: number;
  /** Requests/s per client per heavy route; 0 = off. */
  heavyRate: number;
  exempt: readonly string[];
  trustedProxies: readonly string[];
  /** Bound of the client table (and of the address cache). Default {@link DEFAULT_MAX_CLIENTS}. */
  maxClients?: number;
  /** ms, monotonic. Default `performance.now`; tests move their own. */
  now?: () => number;
}

/** A request refused: which bucket was empty, when a token will be there (whole seconds, ≥ 1), and whose. */
export interface RateLimited {
  readonly scope: "global" | "heavy";
  readonly retryAfterS: number;
  /** The client's key: its IPv4 address, its IPv6 /64, or "unknown". */
  readonly client: string;
  /**
   * -1: leave this refusal out of the log; else log it, with this many refusals of the client
   * left out since its last logged one. At most one line per client per second: a flood of 429s
   * must not become a flood of log lines (an attack on the log pipeline, and a 429's largest JS cost).
   */
  readonly unlogged: number;
}

/** One client's buckets, made on first use, and when its last refusal was logged. */
interface Buckets {
  global: TokenBucket | undefined;
  heavy: (TokenBucket | undefined)[];
  loggedAt: number;
  unlogged: number;
}

const LOG_EVERY_MS = 1000;

/**
 * Issue 18's limiter: per client (see {@link ClientResolver}) one bucket over every limited route
 * and one per heavy route. Like the reference, "global" is per client across routes, not one
 * bucket for the whole server: a shared bucket would let one noisy peer starve every other.
 * Clients live in a bounded LRU, so memory stays flat whatever the number of addresses.
 */
export class RateLimiter {
  readonly #globalRate: number;
  readonly #heavyRate: number;
  readonly #clients: ClientResolver;
  readonly #buckets: LRUCache<string, Buckets>;
  readonly #now: () => number;

  constructor(options: RateLimiterOptions) {
    const max = options.maxClients ?? DEFAULT_MAX_CLIENTS;
    this.#globalRate = options.globalRate;
    this.#heavyRate = options.heavyRate;
    this.#clients = new ClientResolver({
      exempt: options.exempt,
      trustedProxies: options.trustedProxies,
      maxEntries: max,
    });
    this.#buckets = new LRUCache({ max });
    this.#now = options.now ?? (() => performance.now());
  }

  /** False when both rates are 0: the server skips the limiter altogether. */
  get enabled(): boolean {
    return this.#globalRate > 0 || this.#heavyRate > 0;
  }

  /** Entries held: clients with buckets, and parsed addresses. Both stay ≤ `maxClients`. */
  get size(): { clients: number; addresses: number } {
    return { clients: this.#buckets.size, addresses: this.#clients.size };
  }

  /**
   * Takes a token for one request, or says why not. `peer` undefined (a request that came through
   * no socket, e.g. `app.request` in a test) is not limited: there is no client to key it by.
   */
  check(route: RouteLimit, peer: string | undefined, req: WithHeaders): RateLimited | undefined {
    if (route.free || peer === undefined) return undefined;
    const heavy = route.heavy >= 0 && this.#heavyRate > 0;
    if (!heavy && this.#globalRate === 0) return undefined;
    const client: Client = this.#clients.resolve(peer, req);
    if (client.exempt) return undefined;
    const now = this.#now();
    let b = this.#buckets.get(client.key);
    if (!b) {
      b = { global: undefined, heavy: new Array(HEAVY_ROUTES.length), loggedAt: Number.NEGATIVE_INFINITY, unlogged: 0 };
      this.#buckets.set(client.key, b);
    }
    if (heavy) {
      const bucket = (b.heavy[route.heavy] ??= new TokenBucket(this.#heavyRate, now));
      const waitMs = bucket.take(now);
      if (waitMs > 0) return refuse(b, "heavy", waitMs, client.key, now);
    }
    if (this.#globalRate > 0) {
      b.global ??= new TokenBucket(this.#globalRate, now);
      const waitMs = b.global.take(now);
      if (waitMs > 0) return refuse(b, "global", waitMs, client.key, now);
    }
    return undefined;
  }
}

function refuse(b: Buckets, scope: RateLimited["scope"], waitMs: number, client: string, now: number): RateLimited {
  let unlogged = -1;
  if (now - b.loggedAt >= LOG_EVERY_MS) {
    unlogged = b.unlogged;
    b.unlogged = 0;
    b.loggedAt = now;
  } else b.unlogged++;
  return { scope, retryAfterS: Math.max(1, Math.ceil(waitMs / 1000)), client, unlogged };
}
