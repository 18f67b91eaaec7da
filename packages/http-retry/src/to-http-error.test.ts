import { describe, expect, test } from "bun:test";
import { HttpStatusError } from "./errors/http-status-error.ts";
import { NotFoundError } from "./errors/not-found-error.ts";
import { ServiceUnavailableError } from "./errors/service-unavailable-error.ts";
import { TooManyRequestsError } from "./errors/too-many-requests-error.ts";
import { testServer } from "./testdata/server.ts";
import { isRejectedResponse, toHttpError } from "./to-http-error.ts";

describe("toHttpError", () => {
  test.each([
    [404, NotFoundError],
    [503, ServiceUnavailableError],
    [429, TooManyRequestsError],
    [500, HttpStatusError],
    [400, HttpStatusError],
  ])("%p becomes the right class and its body is consumed", async (status, cls) => {
    using srv = testServer(() => new Response("nope", { status, headers: { "retry-after": "2" } }));
    const res = await fetch(`${srv.url}/x`);
    const err = await toHttpError(res, { method: "post" });
    expect(err).toBeInstanceOf(cls);
    expect(err.status).toBe(status);
    expect(err.method).toBe("POST");
    expect(err.url).toBe(`${srv.url}/x`);
    expect(err.bodySnippet).toBe("nope");
    expect(err.retryAfterMs).toBe(2000);
    expect(res.bodyUsed).toBe(true);
  });

  test("the snippet is at most 1 KiB of a longer body", async () => {
    using srv = testServer(() => new Response("a".repeat(10_000), { status: 500 }));
    const err = await toHttpError(await fetch(srv.url));
    expect(err.bodySnippet).toBe("a".repeat(1024));
    expect(err.message.length).toBeLessThan(400);
  });

  test("a 2xx with text/html is an HttpStatusError: wrong URL", async () => {
    using srv = testServer(() => new Response("<!doctype html>", { headers: { "content-type": "text/html" } }));
    const res = await fetch(srv.url);
    expect(isRejectedResponse(res)).toBe(true);
    const err = await toHttpError(res);
    expect(err).toBeInstanceOf(HttpStatusError);
    expect(err.status).toBe(200);
    expect(err.message).toContain("HTML where binary was expected: wrong URL?");
  });

  test("a 2xx with binary content is not rejected", () => {
    const res = new Response(new Uint8Array(4), { headers: { "content-type": "application/octet-stream" } });
    expect(isRejectedResponse(res)).toBe(false);
  });
});
