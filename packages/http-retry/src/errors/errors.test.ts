import { describe, expect, test } from "bun:test";
import { BodyTooLargeError } from "./body-too-large-error.ts";
import {
  findHttpRetryError,
  isBodyTooLarge,
  isHttpError,
  isHttpRetryError,
  isHttpStatusError,
  isNetworkError,
  isNotFound,
  isServiceUnavailable,
  isTooManyRequests,
} from "./guards.ts";
import { HttpError } from "./http-error.ts";
import { HttpRetryError } from "./http-retry-error.ts";
import { HttpStatusError } from "./http-status-error.ts";
import { NetworkError } from "./network-error.ts";
import { NotFoundError } from "./not-found-error.ts";
import { ServiceUnavailableError } from "./service-unavailable-error.ts";
import { TooManyRequestsError } from "./too-many-requests-error.ts";

const init = { url: "http://peer/api/v1/subtree/ab", method: "GET", bodySnippet: "busy" };

describe("errors", () => {
  test.each([
    ["404", new NotFoundError(init), "NotFoundError", "NOT_FOUND", 404, isNotFound],
    [
      "503",
      new ServiceUnavailableError(init),
      "ServiceUnavailableError",
      "SERVICE_UNAVAILABLE",
      503,
      isServiceUnavailable,
    ],
    ["429", new TooManyRequestsError(init), "TooManyRequestsError", "TOO_MANY_REQUESTS", 429, isTooManyRequests],
    ["502", new HttpStatusError({ ...init, status: 502 }), "HttpStatusError", "HTTP_STATUS", 502, isHttpStatusError],
  ] as const)("%s has its name, code, status and guard", (_, err, name, code, status, guard) => {
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toBeInstanceOf(HttpRetryError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe(name);
    expect(err.code).toBe(code);
    expect(err.status).toBe(status);
    expect(err.message).toBe(`GET http://peer/api/v1/subtree/ab returned status ${status} with body "busy"`);
    expect(guard(err)).toBe(true);
    expect(isHttpError(err)).toBe(true);
    expect(isNetworkError(err)).toBe(false);
  });

  test("guards walk the cause chain, like the reference's errors.Is", () => {
    const busy = new ServiceUnavailableError({ ...init, retryAfterMs: 1000 });
    const wrapped = new Error("validation failed", { cause: new Error("fetch failed", { cause: busy }) });
    expect(isServiceUnavailable(wrapped)).toBe(true);
    expect(isNotFound(wrapped)).toBe(false);
    expect(findHttpRetryError(wrapped, "SERVICE_UNAVAILABLE")?.retryAfterMs).toBe(1000);
  });

  // Another copy of the package is matched by its brand, a foreign `code: "NOT_FOUND"` no longer
  // (issue 16): both in guards.test.ts.
  test("guards survive cycles and ignore errors without this package's brand", () => {
    const foreign = Object.assign(new Error("x"), { code: "NOT_FOUND" });
    expect(isNotFound({ cause: foreign })).toBe(false);
    const a: { cause?: unknown } = {};
    a.cause = a;
    expect(isHttpRetryError(a)).toBe(false);
    expect(isHttpRetryError(Object.assign(new Error("x"), { code: "ENOENT" }))).toBe(false);
    expect(isHttpRetryError(undefined)).toBe(false);
  });

  test("NetworkError keeps its cause; BodyTooLargeError its limit", () => {
    const cause = new TypeError("connection refused");
    const net = new NetworkError({ url: "http://peer/", method: "GET", cause });
    expect(net.cause).toBe(cause);
    expect(net.name).toBe("NetworkError");
    expect(isNetworkError(net)).toBe(true);
    const big = new BodyTooLargeError({ maxBytes: 10, url: "http://peer/" });
    expect(big.code).toBe("BODY_TOO_LARGE");
    expect(isBodyTooLarge(big)).toBe(true);
    expect(big.message).toContain("larger than 10 bytes");
  });
});
