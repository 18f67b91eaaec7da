import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { importSecondCopy } from "@subtreekit/testkit";
import { isSemaphoreError, SemaphoreError } from "./semaphore-error.ts";
import { SemaphoreTimeoutError } from "./timeout-error.ts";
import { SemaphoreWeightError } from "./weight-error.ts";

describe("isSemaphoreError", () => {
  test("matches the errors this package creates", () => {
    expect(isSemaphoreError(new SemaphoreTimeoutError(100, 1))).toBe(true);
    expect(isSemaphoreError(new SemaphoreWeightError(3, 2))).toBe(true);
    expect(isSemaphoreError(new SemaphoreError("x", "TIMEOUT"))).toBe(true);
  });

  // Issue 16: name and code are not proof; another library's error (or an abort reason) may carry the same ones.
  test("rejects a foreign Error or plain object with the same name and code", () => {
    for (const real of [new SemaphoreTimeoutError(100, 1), new SemaphoreWeightError(3, 2)]) {
      const fields = { name: real.name, code: real.code, message: real.message };
      expect(isSemaphoreError(Object.assign(new Error(real.message), fields))).toBe(false);
      expect(isSemaphoreError({ ...real, ...fields })).toBe(false);
    }
    expect(isSemaphoreError(new DOMException("aborted", "AbortError"))).toBe(false);
    expect(isSemaphoreError(null)).toBe(false);
  });

  test("matches an error from another copy of the package, though instanceof fails", async () => {
    const copy = await importSecondCopy<typeof import("./semaphore-error.ts")>(
      join(import.meta.dir, "semaphore-error.ts"),
    );
    const other = new copy.SemaphoreError("timed out", "TIMEOUT");
    expect(other).not.toBeInstanceOf(SemaphoreError);
    expect(isSemaphoreError(other)).toBe(true);
  });

  test("the brand is a non-enumerable Symbol.for property that a spread copy does not carry", () => {
    const err = new SemaphoreTimeoutError(100, 1);
    const brand = Object.getOwnPropertyDescriptor(err, Symbol.for("@subtreekit/semaphore"));
    expect(brand).toMatchObject({ value: true, enumerable: false, writable: false });
    expect(Object.getOwnPropertySymbols({ ...err })).toEqual([]);
  });
});
