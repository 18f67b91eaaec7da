import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { importSecondCopy } from "@subtreekit/testkit";
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

  test("isStoresError recognises errors from another copy of the package by its brand, though instanceof fails", async () => {
    const copy = await importSecondCopy<typeof import("./stores-error.ts")>(join(import.meta.dir, "stores-error.ts"));
    const other = new copy.StoresError("IO", "from another copy");
    expect(other).not.toBeInstanceOf(StoresError);
    expect(isStoresError(other)).toBe(true);
    expect(isStoresError(new StorageError("IO", "x"))).toBe(true);
    expect(isStoresError(new StoreOpenError("BAD_URL", "x"))).toBe(true);
    expect(isStoresError(new StoresError("IO", "x"))).toBe(true);
    expect(isStoresError(new TypeError("x"))).toBe(false);
    expect(isStoresError(Object.assign(new Error("x"), { name: "StorageError" }))).toBe(false);
  });

  // Issue 16: name and code are not proof; another library's error may carry the same ones.
  test("isStoresError rejects a foreign Error or plain object with the same name and code", () => {
    for (const real of [new StorageError("NOT_FOUND", "no blob"), new StoreOpenError("UNREACHABLE", "no db")]) {
      const fields = { name: real.name, code: real.code, message: real.message };
      expect(isStoresError(Object.assign(new Error(real.message), fields))).toBe(false);
      expect(isStoresError({ ...real, ...fields })).toBe(false);
    }
  });

  test("the brand is a non-enumerable Symbol.for property that a spread copy does not carry", () => {
    const err = new StorageError("IO", "x");
    const brand = Object.getOwnPropertyDescriptor(err, Symbol.for("@subtreekit/stores"));
    expect(brand).toMatchObject({ value: true, enumerable: false, writable: false });
    expect(Object.getOwnPropertySymbols({ ...err })).toEqual([]);
  });
});
