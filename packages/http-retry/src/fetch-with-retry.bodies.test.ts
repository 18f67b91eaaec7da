import { describe, expect, test } from "bun:test";
import { fetchWithRetry } from "./fetch-with-retry.ts";
import { fakeSleep, statuses, testServer } from "./testdata/server.ts";

const opts = () => ({ maxAttempts: 4, initialDelayMs: 10, jitter: "none" as const, sleep: fakeSleep().sleep });

describe("fetchWithRetry: request and response bodies", () => {
  /** A 503 whose 8 KiB body trickles out over ~40 ms: the connection is busy until it is read. */
  const slow503 = () => {
    let chunks = 0;
    return new Response(
      new ReadableStream({
        async pull(c) {
          await new Promise((r) => setTimeout(r, 10));
          c.enqueue(new Uint8Array(2048).fill(120));
          if (++chunks === 4) c.close();
        },
      }),
      { status: 503 },
    );
  };

  test("rejected attempts' bodies are drained, so one connection serves every attempt", async () => {
    using srv = testServer((n) => (n < 3 ? slow503() : new Response("x".repeat(8192))));
    const res = await fetchWithRetry(srv.url, undefined, opts());
    expect((await res.text()).length).toBe(8192);
    expect(srv.seen.count).toBe(3);
    expect(srv.seen.ports.size).toBe(1);
  });

  test("control: leaving such a 503 body unread costs a new connection (so the test above can fail)", async () => {
    using srv = testServer((n) => (n < 3 ? slow503() : new Response("ok")));
    await fetch(srv.url);
    await fetch(srv.url);
    await (await fetch(srv.url)).text();
    expect(srv.seen.ports.size).toBeGreaterThan(1);
  });

  test("a huge error body is cut short instead of read to the end", async () => {
    let pulls = 0;
    using srv = testServer((n) =>
      n === 1
        ? new Response(
            new ReadableStream({
              pull(c) {
                pulls++;
                c.enqueue(new Uint8Array(16 * 1024));
              },
            }),
            { status: 503 },
          )
        : new Response("ok"),
    );
    const res = await fetchWithRetry(srv.url, undefined, opts());
    expect(await res.text()).toBe("ok");
    // Bun keeps a few MiB in flight; an unbounded read would never finish at all.
    expect(pulls).toBeLessThan(2000);
  });

  test.each([
    ["Uint8Array", (b: Uint8Array) => b],
    ["ArrayBuffer", (b: Uint8Array) => b.slice().buffer],
    ["string", (b: Uint8Array) => Buffer.from(b).toString("latin1")],
  ] as [string, (b: Uint8Array) => BodyInit][])("a POST %s body is re-sent byte-identical", async (_, as) => {
    using srv = testServer(statuses(503, 503, 200));
    const bytes = new Uint8Array(64 * 1024).map((_, i) => (i * 7919) % 128); // ASCII so latin1 round-trips
    const res = await fetchWithRetry(
      srv.url,
      { method: "POST", body: as(bytes) },
      { ...opts(), retryNonIdempotent: true },
    );
    expect(await res.text()).toBe("ok");
    expect(srv.seen.bodies).toHaveLength(3);
    for (const body of srv.seen.bodies) expect(Buffer.compare(body, bytes)).toBe(0);
  });

  test("a stream body is refused with a TypeError before any request", async () => {
    using srv = testServer(statuses(200));
    const body = new ReadableStream({ pull: (c) => c.enqueue(new Uint8Array(1)) });
    for (const init of [
      { method: "PUT", body },
      { method: "POST", body },
    ]) {
      const err = await fetchWithRetry(srv.url, init, { ...opts(), retryNonIdempotent: true }).catch((e) => e);
      expect(err).toBeInstanceOf(TypeError);
      expect(err.message).toContain("stream body cannot be retried");
    }
    expect(srv.seen.count).toBe(0);
  });

  test("a non-idempotent method needs retryNonIdempotent (or maxAttempts 1)", async () => {
    using srv = testServer(statuses(200));
    const err = await fetchWithRetry(srv.url, { method: "POST", body: "x" }, opts()).catch((e) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toContain("POST is not idempotent");
    expect(srv.seen.count).toBe(0);
    const res = await fetchWithRetry(srv.url, { method: "POST", body: "x" }, { ...opts(), maxAttempts: 1 });
    expect(res.status).toBe(200);
  });

  test("abort while the request body is still streaming rejects with the reason at once (real time)", async () => {
    using srv = testServer(statuses(200));
    const controller = new AbortController();
    const reason = new Error("stop uploading");
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(c) {
        if (sent++ === 0) {
          c.enqueue(new Uint8Array(1024));
          setTimeout(() => controller.abort(reason), 30);
        }
        await new Promise((r) => setTimeout(r, 20));
      },
    });
    const started = performance.now();
    const err = await fetchWithRetry(srv.url, { method: "POST", body, duplex: "half" } as RequestInit, {
      maxAttempts: 1,
      signal: controller.signal,
    }).catch((e) => e);
    expect(err).toBe(reason);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test("abort while reading the returned body stops the read with the reason", async () => {
    using srv = testServer(
      () =>
        new Response(
          new ReadableStream({
            async pull(c) {
              c.enqueue(new Uint8Array(1024));
              await new Promise((r) => setTimeout(r, 10));
            },
          }),
        ),
    );
    const controller = new AbortController();
    const reason = new Error("enough");
    const res = await fetchWithRetry(srv.url, undefined, { signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort(reason);
    const err = await (async () => {
      for (;;) if ((await reader.read()).done) return "ended cleanly";
    })().catch((e) => e);
    expect(err).toBe(reason);
  });
});
