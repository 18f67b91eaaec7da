import { describe, expect, test } from "bun:test";
import { HttpStatusError } from "./errors/http-status-error.ts";
import { NotFoundError } from "./errors/not-found-error.ts";
import { ServiceUnavailableError } from "./errors/service-unavailable-error.ts";
import { TooManyRequestsError } from "./errors/too-many-requests-error.ts";
import { fetchWithRetry } from "./fetch-with-retry.ts";
import { fakeSleep, seededRandom, statuses, testServer } from "./testdata/server.ts";

// The reference's test config (spec §3.4) unless a test says otherwise; no jitter, fake sleeps.
const fast = () => {
  const f = fakeSleep();
  return {
    ...f,
    opts: { maxAttempts: 4, initialDelayMs: 10, maxDelayMs: 50, jitter: "none" as const, sleep: f.sleep },
  };
};

describe("fetchWithRetry: the reference's scenarios", () => {
  test("success on the first try makes one request and returns the body unread", async () => {
    using srv = testServer(() => new Response("body"));
    const res = await fetchWithRetry(srv.url, undefined, fast().opts);
    expect(res.bodyUsed).toBe(false);
    expect(await res.text()).toBe("body");
    expect(srv.seen.count).toBe(1);
  });

  test("503, 503, then 200 returns the 200's body after 3 requests", async () => {
    using srv = testServer((n) =>
      n < 3 ? new Response("busy", { status: 503 }) : new Response("ok-after-retry", { status: 200 }),
    );
    const { sleeps, opts } = fast();
    const res = await fetchWithRetry(srv.url, undefined, opts);
    expect(await res.text()).toBe("ok-after-retry");
    expect(srv.seen.count).toBe(3);
    expect(sleeps).toEqual([10, 20]);
  });

  test("always 503 exhausts after exactly maxAttempts as a ServiceUnavailableError", async () => {
    using srv = testServer(statuses(503));
    const { sleeps, opts } = fast();
    const err = await fetchWithRetry(srv.url, undefined, opts).catch((e) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err.code).toBe("SERVICE_UNAVAILABLE");
    expect(err.attempts).toBe(4);
    expect(err.cause).toBeInstanceOf(ServiceUnavailableError); // the last rejection
    expect(err.cause.bodySnippet).toBe("busy");
    expect(srv.seen.count).toBe(4);
    expect(sleeps).toEqual([10, 20, 40]);
  });

  test("defaults: 6 attempts with sleeps 250, 500, 1000, 2000, 4000 ms", async () => {
    using srv = testServer(statuses(503));
    const { sleeps, sleep } = fakeSleep();
    const err = await fetchWithRetry(srv.url, undefined, { jitter: "none", sleep }).catch((e) => e);
    expect(err.attempts).toBe(6);
    expect(srv.seen.count).toBe(6);
    expect(sleeps).toEqual([250, 500, 1000, 2000, 4000]);
  });

  test("Retry-After: 1 overrides a 10 ms initial delay (real time)", async () => {
    using srv = testServer((n) =>
      n === 1 ? new Response("busy", { status: 503, headers: { "retry-after": "1" } }) : new Response("ok"),
    );
    const started = performance.now();
    const res = await fetchWithRetry(srv.url, undefined, { maxAttempts: 4, initialDelayMs: 10, maxDelayMs: 5000 });
    const elapsed = performance.now() - started;
    expect(await res.text()).toBe("ok");
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(3000);
  });

  test.each([
    [500, HttpStatusError],
    [502, HttpStatusError],
    [504, HttpStatusError],
    [404, NotFoundError],
    [400, HttpStatusError],
  ])("%p fails after exactly 1 request", async (status, cls) => {
    using srv = testServer(statuses(status));
    const err = await fetchWithRetry(srv.url, undefined, fast().opts).catch((e) => e);
    expect(err).toBeInstanceOf(cls);
    expect(err.status).toBe(status);
    expect(err.attempts).toBe(1);
    expect(srv.seen.count).toBe(1);
  });

  test("abort during a sleep rejects with the signal's reason within 50 ms (real time)", async () => {
    using srv = testServer(statuses(503));
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    let abortedAt = 0;
    const pending = fetchWithRetry(srv.url, undefined, {
      initialDelayMs: 10_000,
      jitter: "none",
      signal: controller.signal,
      onRetry: () =>
        void setTimeout(() => {
          abortedAt = performance.now();
          controller.abort(reason);
        }, 20),
    });
    const err = await pending.catch((e) => e);
    expect(performance.now() - abortedAt).toBeLessThan(50);
    expect(err).toBe(reason);
    expect(srv.seen.count).toBe(1);
  });
});

describe("fetchWithRetry: Retry-After", () => {
  const NOW = Date.UTC(2025, 9, 21, 7, 28, 0);

  test("an HTTP-date hint replaces the backoff sleep", async () => {
    using srv = testServer((n) =>
      n === 1
        ? new Response("busy", { status: 503, headers: { "retry-after": new Date(NOW + 3000).toUTCString() } })
        : new Response("ok"),
    );
    const { sleeps, opts } = fast();
    const res = await fetchWithRetry(srv.url, undefined, { ...opts, now: () => NOW });
    expect(await res.text()).toBe("ok");
    expect(sleeps).toEqual([3000]);
  });

  test("a past HTTP-date is no hint: the backoff applies", async () => {
    using srv = testServer((n) =>
      n === 1
        ? new Response("busy", { status: 503, headers: { "retry-after": new Date(NOW - 3000).toUTCString() } })
        : new Response("ok"),
    );
    const { sleeps, opts } = fast();
    await fetchWithRetry(srv.url, undefined, { ...opts, now: () => NOW });
    expect(sleeps).toEqual([10]);
  });

  test("a hint above maxDelayMs but within maxRetryAfterMs is honoured", async () => {
    using srv = testServer((n) =>
      n === 1 ? new Response("busy", { status: 503, headers: { "retry-after": "20" } }) : new Response("ok"),
    );
    const { sleeps, opts } = fast();
    await fetchWithRetry(srv.url, undefined, opts);
    expect(sleeps).toEqual([20_000]);
  });

  test("a hint above maxRetryAfterMs ends the retries at once, carrying retryAfterMs", async () => {
    using srv = testServer(() => new Response("busy", { status: 503, headers: { "retry-after": "60" } }));
    const { sleeps, opts } = fast();
    const err = await fetchWithRetry(srv.url, undefined, opts).catch((e) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err.retryAfterMs).toBe(60_000);
    expect(err.attempts).toBe(1);
    expect(srv.seen.count).toBe(1);
    expect(sleeps).toEqual([]);
    const low = await fetchWithRetry(srv.url, undefined, { ...opts, maxRetryAfterMs: 5000 }).catch((e) => e);
    expect(low.retryAfterMs).toBe(60_000);
  });
});

describe("fetchWithRetry: what is retried", () => {
  test("429 is not retried by default, and is when opted in", async () => {
    using srv = testServer(statuses(429, 429, 200));
    const { opts } = fast();
    const err = await fetchWithRetry(srv.url, undefined, opts).catch((e) => e);
    expect(err).toBeInstanceOf(TooManyRequestsError);
    expect(srv.seen.count).toBe(1);
    const res = await fetchWithRetry(srv.url, undefined, { ...opts, retryOn: [503, 429] });
    expect(await res.text()).toBe("ok"); // request 2 was a 429, request 3 the 200
    expect(srv.seen.count).toBe(3);
  });

  test("429 exhausted is a TooManyRequestsError with attempts and cause", async () => {
    using srv = testServer(statuses(429));
    const err = await fetchWithRetry(srv.url, undefined, { ...fast().opts, retryOn: [429] }).catch((e) => e);
    expect(err).toBeInstanceOf(TooManyRequestsError);
    expect(err.attempts).toBe(4);
    expect(err.cause).toBeInstanceOf(TooManyRequestsError);
  });

  test("a status added to retryOn is retried, and exhausts as its own class with attempts and cause", async () => {
    using srv = testServer(statuses(502));
    const err = await fetchWithRetry(srv.url, undefined, { ...fast().opts, retryOn: [502, 503] }).catch((e) => e);
    expect(err).toBeInstanceOf(HttpStatusError);
    expect(err.status).toBe(502);
    expect(err.attempts).toBe(4);
    expect(err.cause).toBeInstanceOf(HttpStatusError);
    expect(srv.seen.count).toBe(4);
  });

  test("HTML on a 2xx is an HttpStatusError after one request", async () => {
    using srv = testServer(
      () => new Response("<html></html>", { headers: { "content-type": "Text/HTML; charset=utf-8" } }),
    );
    const err = await fetchWithRetry(srv.url, undefined, fast().opts).catch((e) => e);
    expect(err).toBeInstanceOf(HttpStatusError);
    expect(err.message).toContain("HTML where binary was expected: wrong URL?");
    expect(srv.seen.count).toBe(1);
  });

  test("equal jitter spreads each backoff sleep into [d/2, d]", async () => {
    using srv = testServer(statuses(503));
    const { sleeps, sleep } = fakeSleep();
    await fetchWithRetry(srv.url, undefined, { sleep, random: seededRandom(1) }).catch(() => {});
    expect(sleeps).toHaveLength(5);
    [250, 500, 1000, 2000, 4000].forEach((d, i) => {
      expect(sleeps[i]!).toBeGreaterThanOrEqual(d / 2);
      expect(sleeps[i]!).toBeLessThanOrEqual(d);
    });
    expect(sleeps).not.toEqual([250, 500, 1000, 2000, 4000]);
  });
});
