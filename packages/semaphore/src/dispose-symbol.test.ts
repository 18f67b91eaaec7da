import { expect, test } from "bun:test";
import { disposeSymbol, ensureDisposeSymbol } from "./dispose-symbol.ts";

test("uses the runtime's Symbol.dispose when present", () => {
  expect(disposeSymbol).toBe(Symbol.dispose);
  const own = Symbol("own");
  expect(ensureDisposeSymbol({ dispose: own })).toBe(own);
});

test("defines a shared registry symbol when missing (old Node)", () => {
  const fakeSymbol: { dispose?: symbol } = {};
  const key = ensureDisposeSymbol(fakeSymbol);
  expect(key).toBe(Symbol.for("Symbol.dispose"));
  expect(fakeSymbol.dispose).toBe(key);
  // A second copy of the polyfill agrees on the key.
  expect(ensureDisposeSymbol({})).toBe(key);
});

test("a frozen Symbol object does not crash the import", () => {
  expect(ensureDisposeSymbol(Object.freeze({}))).toBe(Symbol.for("Symbol.dispose"));
});
