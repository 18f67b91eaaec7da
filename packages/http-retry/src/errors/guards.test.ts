import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { importSecondCopy } from "@subtreekit/testkit";
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
import { HttpRetryError } from "./http-retry-error.ts";
import { HttpStatusError } from "./http-status-error.ts";
import { NetworkError } from "./network-error.ts";
import { NotFoundError } from "./not-found-error.ts";
import { ServiceUnavailableError } from "./service-unavailable-error.ts";
import { TooManyRequestsError } from "./too-many-requests-error.ts";

const init = { url: "http://peer/api/v1/subtree/ab", method: "GET" };

// Each guard with a real error of its kind and the name it carries (issue 16).
const cases = [
  ["isNotFound", isNotFound, new NotFoundError(init)],
  ["isServiceUnavailable", isServiceUnavailable, new ServiceUnavailableError(init)],
  ["isTooManyRequests", isTooManyRequests, new TooManyRequestsError(init)],
  ["isHttpStatusError", isHttpStatusError, new HttpStatusError({ ...init, status: 502 })],
  ["isNetworkError", isNetworkError, new NetworkError(init)],
  ["isBodyTooLarge", isBodyTooLarge, new BodyTooLargeError({ maxBytes: 10, url: init.url })],
  ["isHttpError", isHttpError, new NotFoundError(init)],
  ["isHttpRetryError", isHttpRetryError, new NetworkError(init)],
] as const;

/** Same own fields as `real` (name, code, status, ...) on a plain Error: what another library could throw. */
const lookAlikeError = (real: Error) => Object.assign(new Error(real.message), { ...real, name: real.name });
const lookAlikeObject = (real: Error) => ({ ...real, name: real.name, message: real.message });

describe("guards match only errors this package created", () => {
  test.each(cases)("%s matches a real instance, also wrapped in a cause", (_, guard, real) => {
    expect(guard(real)).toBe(true);
    expect(guard(new Error("wrapped", { cause: real }))).toBe(true);
  });

  test.each(cases)("%s rejects a foreign Error or plain object with the same name and code", (_, guard, real) => {
    expect(lookAlikeError(real)).toMatchObject({ name: real.name, code: (real as HttpRetryError).code });
    expect(guard(lookAlikeError(real))).toBe(false);
    expect(guard(lookAlikeObject(real))).toBe(false);
    expect(guard(new Error("wrapped", { cause: lookAlikeError(real) }))).toBe(false);
    expect(guard({ cause: lookAlikeObject(real) })).toBe(false);
  });

  test("a storage error with code NOT_FOUND (a missing blob, not an HTTP 404) is not a 404", () => {
    // Shaped like @subtreekit/stores' StorageError, which http-retry must not import.
    const missingBlob = Object.assign(new Error("no blob ab.subtree"), { name: "StorageError", code: "NOT_FOUND" });
    expect(isNotFound(missingBlob)).toBe(false);
    expect(isHttpError(missingBlob)).toBe(false);
    expect(isHttpRetryError(missingBlob)).toBe(false);
    expect(findHttpRetryError(missingBlob)).toBeUndefined();
    expect(findHttpRetryError(new Error("setDAH failed", { cause: missingBlob }), "NOT_FOUND")).toBeUndefined();
  });

  test("findHttpRetryError skips a look-alike and returns the real error further down the chain", () => {
    const real = new ServiceUnavailableError({ ...init, retryAfterMs: 1000 });
    const fake = Object.assign(new Error("fake", { cause: real }), { code: "SERVICE_UNAVAILABLE" });
    expect(findHttpRetryError(fake, "SERVICE_UNAVAILABLE")).toBe(real);
  });

  test("errors from another copy of the package are recognised (Symbol.for brand), though instanceof fails", async () => {
    const copy = await importSecondCopy<typeof import("./http-retry-error.ts")>(
      join(import.meta.dir, "http-retry-error.ts"),
    );
    const other = new copy.HttpRetryError("NOT_FOUND", "GET http://peer/x returned status 404");
    expect(other).not.toBeInstanceOf(HttpRetryError);
    expect(isNotFound(other)).toBe(true);
    expect(isHttpError(other)).toBe(true);
    expect(isNetworkError(other)).toBe(false);
    expect(findHttpRetryError(new Error("wrapped", { cause: other }), "NOT_FOUND")).toBe(other);
  });

  test("the brand is a non-enumerable Symbol.for property: a spread copy or JSON does not carry it", () => {
    const err = new NotFoundError(init);
    const brand = Object.getOwnPropertyDescriptor(err, Symbol.for("@subtreekit/http-retry"));
    expect(brand).toMatchObject({ value: true, enumerable: false, writable: false });
    expect(Object.getOwnPropertySymbols({ ...err })).toEqual([]);
    expect(JSON.stringify(err)).not.toContain("subtreekit");
  });
});
