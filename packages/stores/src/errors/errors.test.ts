import { describe, expect, test } from "bun:test";
import { StorageError } from "./storage-error.ts";
import { StoreOpenError } from "./store-open-error.ts";
import { isStoresError, StoresError } from "./stores-error.ts";

describe("errors", () => {
  test("each class has a literal name, its code, the cause, and the shared base", () => {
    const cause = new Error("ECONNREFUSED");
    const open = new StoreOpenError("UNREACHABLE", "cannot connect", { cause });
    expect(open).toBeInstanceOf(StoresError);
    expect([open.name, open.code, open.cause]).toEqual(["StoreOpenError", "UNREACHABLE", cause]);
    const storage = new StorageError("BAD_HEADER", "bad magic in /x", { file: "/x" });
    expect([storage.name, storage.code, storage.file]).toEqual(["StorageError", "BAD_HEADER", "/x"]);
  });

  test("isStoresError recognises errors from another copy of the package by name and code", () => {
    const foreign = Object.assign(new Error("from another realm"), { name: "StorageError", code: "IO" });
    expect(isStoresError(foreign)).toBe(true);
    expect(isStoresError(new StorageError("IO", "x"))).toBe(true);
    expect(isStoresError(new TypeError("x"))).toBe(false);
    expect(isStoresError(Object.assign(new Error("x"), { name: "StorageError" }))).toBe(false);
  });
});
