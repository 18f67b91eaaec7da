import { describe, expect, test } from "bun:test";
import { isServiceUnavailable } from "./errors/guards.ts";
import type { HttpRetryError } from "./errors/http-retry-error.ts";
import { NetworkError } from "./errors/network-error.ts";
import { ServiceUnavailableError } from "./errors/service-unavailable-error.ts";
import { fetchWithRetry } from "./fetch-with-retry.ts";
import { RetryBudget } from "./retry-budget.ts";
import { fakeSleep, statuses, testServer } from "./testdata/server.ts";

const opts = () => ({ maxAttempts: 4, initialDelayMs: 10, jitter: "none" as const, sleep: fakeSleep().sleep });

describe("fetchWithRetry: hooks", () => {
  test("beforeAttempt is awaited once before every attempt, with the attempt number", async () => {
    using srv = testServer(statuses(503, 503, 200));
    const calls: [number, number][] = [];
    await fetchWithRetry(srv.url, undefined, {
      ...opts(),
      beforeAttempt: async ({ attempt, signal }) => {
        expect(signal).toBeInstanceOf(AbortSignal);
        await new Promise((r) => setTimeout(r, 1)); // a rate limiter's wait
        calls.push([attempt, srv.seen.count]);
      },
    });
    expect(calls).toEqual([
      [1, 0],
      [2, 1],
      [3, 2],
    ]);
  });

  test("an error from beforeAttempt ends the call as it is, with no request", async () => {
    using srv = testServer(statuses(200));
    const local = new Error("rate limiter closed");
    const err = await fetchWithRetry(srv.url, undefined, {
      ...opts(),
      beforeAttempt: () => {
        throw local;
      },
    }).catch((e) => e);
    expect(err).toBe(local);
    expect(srv.seen.count).toBe(0);
  });

  test("abort while beforeAttempt is waiting rejects with the reason even if the hook ignores the signal", async () => {
    using srv = testServer(statuses(200));
    const reason = new Error("shutting down");
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 10);
    const err = await fetchWithRetry(srv.url, undefined, {
      signal: controller.signal,
      beforeAttempt: () => new Promise<void>(() => {}), // a limiter that never frees a slot
    }).catch((e) => e);
    expect(err).toBe(reason);
    expect(srv.seen.count).toBe(0);
  });

  test("onRetry sees each failed attempt, its error and the coming sleep", async () => {
    using srv = testServer(statuses(503, 503, 200));
    const seen: [number, number, string][] = [];
    await fetchWithRetry(srv.url, undefined, {
      ...opts(),
      onRetry: ({ attempt, delayMs, error }) => seen.push([attempt, delayMs, error.code]),
    });
    expect(seen).toEqual([
      [1, 10, "SERVICE_UNAVAILABLE"],
      [2, 20, "SERVICE_UNAVAILABLE"],
    ]);
  });
});

describe("fetchWithRetry: retry budget", () => {
  test("100 concurrent callers against an always-503 server retry only what the budget allows", async () => {
    using srv = testServer(statuses(503));
    const budget = new RetryBudget({ now: () => 0 }); // frozen clock: no refill during the test
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        fetchWithRetry(srv.url, undefined, { ...opts(), maxAttempts: 6, budget }).catch((e: HttpRetryError) => e),
      ),
    );
    // Without a budget: 600 requests. With it: 100 first tries + 10 (perSecond) + 20 % of 100.
    expect(srv.seen.count).toBe(130);
    for (const err of results) expect(isServiceUnavailable(err)).toBe(true);
    const refused = results.filter((e) => (e as HttpRetryError).budgetExhausted);
    expect(refused.length).toBeGreaterThanOrEqual(100 - 30);
    expect(refused[0]).toBeInstanceOf(ServiceUnavailableError);
    expect(budget.available).toBe(0);
  });
});

describe("fetchWithRetry: network errors and timeouts", () => {
  const closedPort = () => {
    const srv = testServer(statuses(200));
    srv.stop();
    return srv.url;
  };

  test("a refused connection is a NetworkError after 1 attempt, cause kept", async () => {
    const url = closedPort();
    const err = await fetchWithRetry(url, undefined, opts()).catch((e) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.code).toBe("NETWORK");
    expect(err.attempts).toBe(1);
    expect(err.cause).toBeDefined();
  });

  test("retryNetworkErrors retries transport failures up to maxAttempts", async () => {
    const url = closedPort();
    const { sleeps, sleep } = fakeSleep();
    const err = await fetchWithRetry(url, undefined, { ...opts(), sleep, retryNetworkErrors: true }).catch((e) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.attempts).toBe(4);
    expect(err.cause).toBeInstanceOf(NetworkError);
    expect(sleeps).toEqual([10, 20, 40]);
  });

  test("timeoutMs ends a silent attempt as a timed-out NetworkError", async () => {
    using srv = testServer(() => new Promise<Response>(() => {}));
    const err = await fetchWithRetry(srv.url, undefined, { ...opts(), timeoutMs: 50 }).catch((e) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.timedOut).toBe(true);
    expect(srv.seen.count).toBe(1);
  });

  test("totalTimeoutMs ends the whole call, sleeps included", async () => {
    using srv = testServer(statuses(503));
    const started = performance.now();
    const err = await fetchWithRetry(srv.url, undefined, { initialDelayMs: 10_000, totalTimeoutMs: 100 }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.timedOut).toBe(true);
    expect(err.attempts).toBe(1);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  test("abort while waiting for a response rejects with the signal's reason at once (real time)", async () => {
    using srv = testServer(() => new Promise<Response>(() => {}));
    const controller = new AbortController();
    const reason = new Error("peer too slow for me");
    setTimeout(() => controller.abort(reason), 20);
    const started = performance.now();
    const err = await fetchWithRetry(srv.url, undefined, { signal: controller.signal }).catch((e) => e);
    expect(err).toBe(reason);
    expect(performance.now() - started).toBeLessThan(500);
    expect(srv.seen.count).toBe(1);
  });

  test("timeoutMs: Infinity means no per-attempt timeout (not an overflowing timer)", async () => {
    using srv = testServer(async () => {
      await new Promise((r) => setTimeout(r, 20));
      return new Response("late but fine");
    });
    const res = await fetchWithRetry(srv.url, undefined, {
      timeoutMs: Number.POSITIVE_INFINITY,
      totalTimeoutMs: 2 ** 40,
    });
    expect(await res.text()).toBe("late but fine");
  });

  test("an already-aborted signal rejects with its reason before any request", async () => {
    using srv = testServer(statuses(200));
    const reason = new Error("already gone");
    const err = await fetchWithRetry(srv.url, undefined, { signal: AbortSignal.abort(reason) }).catch((e) => e);
    expect(err).toBe(reason);
    expect(srv.seen.count).toBe(0);
  });

  test("bad options fail loudly", async () => {
    await expect(fetchWithRetry("http://localhost:1", undefined, { maxAttempts: 0 })).rejects.toThrow(RangeError);
    await expect(fetchWithRetry("http://localhost:1", undefined, { jitter: "some" as "full" })).rejects.toThrow(
      RangeError,
    );
  });
});

describe("fetchWithRetry: retryWhenHinted", () => {
  const tooMany = (retryAfter?: string) => (n: number) =>
    n === 1
      ? new Response("slow down", {
          status: 429,
          headers: retryAfter === undefined ? {} : { "retry-after": retryAfter },
        })
      : new Response("ok");

  test("a 429 with Retry-After is retried after the hint; without one it fails at once", async () => {
    using hinted = testServer(tooMany("2"));
    const s = fakeSleep();
    const res = await fetchWithRetry(hinted.url, undefined, { ...opts(), sleep: s.sleep, retryWhenHinted: [429] });
    expect(await res.text()).toBe("ok");
    expect(s.sleeps).toEqual([2000]);
    using bare = testServer(tooMany());
    const err = await fetchWithRetry(bare.url, undefined, { ...opts(), retryWhenHinted: [429] }).catch((e) => e);
    expect((err as HttpRetryError).code).toBe("TOO_MANY_REQUESTS");
    expect(bare.seen.count).toBe(1);
  });

  test("without the option a hinted 429 is not retried (the default stays 503 only)", async () => {
    using srv = testServer(tooMany("1"));
    const err = await fetchWithRetry(srv.url, undefined, opts()).catch((e) => e);
    expect((err as HttpRetryError).code).toBe("TOO_MANY_REQUESTS");
    expect(srv.seen.count).toBe(1);
  });
});
