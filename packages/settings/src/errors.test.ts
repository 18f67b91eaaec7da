import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { importSecondCopy } from "@subtreekit/testkit";
import { isSettingsError, SettingsError, type SettingsIssue } from "./errors.ts";

const issues: SettingsIssue[] = [{ key: "logLevel", value: "loud", source: "env LOGLEVEL", expected: "one of …" }];

describe("isSettingsError", () => {
  test("matches a real SettingsError", () => {
    expect(isSettingsError(new SettingsError(issues))).toBe(true);
  });

  // Issue 16: name, code and issues are not proof; another library's error may carry the same ones.
  test("rejects a foreign Error or plain object with the same name, code and issues", () => {
    const real = new SettingsError(issues);
    const fields = { name: real.name, code: real.code, issues: real.issues };
    expect(isSettingsError(Object.assign(new Error(real.message), fields))).toBe(false);
    expect(isSettingsError({ ...fields, message: real.message })).toBe(false);
    expect(isSettingsError(new TypeError("x"))).toBe(false);
    expect(isSettingsError(undefined)).toBe(false);
  });

  test("matches a SettingsError from another copy of the package, though instanceof fails", async () => {
    const copy = await importSecondCopy<typeof import("./errors.ts")>(join(import.meta.dir, "errors.ts"));
    const other = new copy.SettingsError(issues);
    expect(other).not.toBeInstanceOf(SettingsError);
    expect(isSettingsError(other)).toBe(true);
  });

  test("the brand is a non-enumerable Symbol.for property that a spread copy does not carry", () => {
    const err = new SettingsError(issues);
    const brand = Object.getOwnPropertyDescriptor(err, Symbol.for("@subtreekit/settings"));
    expect(brand).toMatchObject({ value: true, enumerable: false, writable: false });
    expect(Object.getOwnPropertySymbols({ ...err })).toEqual([]);
  });
});
