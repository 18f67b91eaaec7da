import { describe, expect, test } from "bun:test";
import { BodyTooLargeError } from "./errors/body-too-large-error.ts";
import { readBounded } from "./read-bounded.ts";
import { testServer } from "./testdata/server.ts";

describe("readBounded", () => {
  test("returns a body of exactly maxBytes", async () => {
    using srv = testServer(() => new Response(new Uint8Array(1000).fill(7)));
    const bytes = await readBounded(await fetch(srv.url), 1000);
    expect(bytes.length).toBe(1000);
    expect(bytes.every((b) => b === 7)).toBe(true);
  });

  test("a declared Content-Length over the limit fails before reading", async () => {
    using srv = testServer(() => new Response(new Uint8Array(1001)));
    const err = await readBounded(await fetch(srv.url), 1000).catch((e) => e);
    expect(err).toBeInstanceOf(BodyTooLargeError);
    expect(err.maxBytes).toBe(1000);
  });

  test("an endless chunked body stops soon after the limit and the stream is cancelled", async () => {
    let pulls = 0;
    let cancelled = false;
    using srv = testServer(
      () =>
        new Response(
          new ReadableStream({
            async pull(c) {
              pulls++;
              c.enqueue(new Uint8Array(1024));
              await new Promise((r) => setTimeout(r, 1));
            },
            cancel() {
              cancelled = true;
            },
          }),
        ),
    );
    const err = await readBounded(await fetch(srv.url), 10 * 1024).catch((e) => e);
    expect(err).toBeInstanceOf(BodyTooLargeError);
    await new Promise((r) => setTimeout(r, 50));
    expect(cancelled).toBe(true);
    const pullsAtCancel = pulls;
    await new Promise((r) => setTimeout(r, 50));
    expect(pulls).toBe(pullsAtCancel);
  });

  test("an abort stops the read with the signal's reason", async () => {
    using srv = testServer(
      () =>
        new Response(
          new ReadableStream({
            async pull(c) {
              c.enqueue(new Uint8Array(16));
              await new Promise((r) => setTimeout(r, 5));
            },
          }),
        ),
    );
    const reason = new Error("stop");
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 30);
    const err = await readBounded(await fetch(srv.url), 1e9, { signal: controller.signal }).catch((e) => e);
    expect(err).toBe(reason);
  });
});
