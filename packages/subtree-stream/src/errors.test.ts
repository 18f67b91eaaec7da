import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { importSecondCopy } from "@subtreekit/testkit";
import { FileExistsError } from "./bun/file-exists-error.ts";
import { SinkAbortedError } from "./bun/sink-aborted-error.ts";
import { SinkClosedError } from "./bun/sink-closed-error.ts";
import {
  MalformedDataError,
  MalformedTxError,
  SubtreeLengthMismatchError,
  TruncatedTxError,
  TxHashMismatchError,
} from "./errors/index.ts";
import { isSubtreeStreamError, SubtreeStreamError } from "./errors.ts";
import { EmptySubtreeDataError } from "./write/empty-subtree-data-error.ts";
import { MisplacedCoinbaseError } from "./write/misplaced-coinbase-error.ts";
import { MissingTxError } from "./write/missing-tx-error.ts";
import { PendingCapExceededError } from "./write/pending-cap-exceeded-error.ts";

// One of every error class this package throws.
const real: SubtreeStreamError[] = [
  new MalformedDataError("VARINT_TRUNCATED", "varint cut", 3),
  new MalformedTxError("TX_TOO_LARGE", "tx too large", 8, 2),
  new SubtreeLengthMismatchError("TOO_FEW_TXS", 4, 3, 600),
  new TruncatedTxError(10, 5, 1),
  new TxHashMismatchError(1, 10, "aa", "bb"),
  new EmptySubtreeDataError(),
  new MisplacedCoinbaseError(3),
  new MissingTxError(2, 3, 0, ["aa"]),
  new PendingCapExceededError(5, 4),
  new FileExistsError("/x"),
  new SinkAbortedError("/x", new Error("stop")),
  new SinkClosedError("/x"),
];

describe("isSubtreeStreamError", () => {
  test.each(real.map((e) => [e.name, e] as const))("matches a real %s", (_, err) => {
    expect(isSubtreeStreamError(err)).toBe(true);
  });

  // Issue 16: name and code are not proof; another library's error may carry the same ones.
  test.each(real.map((e) => [e.name, e] as const))(
    "rejects a foreign Error or plain object shaped like %s",
    (_, err) => {
      const fields = { ...err, name: err.name, code: err.code, message: err.message };
      expect(isSubtreeStreamError(Object.assign(new Error(err.message), fields))).toBe(false);
      expect(isSubtreeStreamError(fields)).toBe(false);
    },
  );

  test("rejects other errors and non-objects", () => {
    expect(isSubtreeStreamError(new RangeError("x"))).toBe(false);
    expect(isSubtreeStreamError(undefined)).toBe(false);
    expect(isSubtreeStreamError("TX_TRUNCATED")).toBe(false);
  });

  // What the doc comment promises: recognised across copies of the package (and realms), where
  // instanceof fails.
  test("matches an error from another copy of the package, though instanceof fails", async () => {
    const copy = await importSecondCopy<typeof import("./errors.ts")>(join(import.meta.dir, "errors.ts"));
    const other = new copy.SubtreeStreamError("TX_TRUNCATED", "input ended inside a transaction");
    expect(other).not.toBeInstanceOf(SubtreeStreamError);
    expect(isSubtreeStreamError(other)).toBe(true);
  });

  test("the brand is a non-enumerable Symbol.for property that a spread copy does not carry", () => {
    const err = new TruncatedTxError(10, 5);
    const brand = Object.getOwnPropertyDescriptor(err, Symbol.for("@subtreekit/subtree-stream"));
    expect(brand).toMatchObject({ value: true, enumerable: false, writable: false });
    expect(Object.getOwnPropertySymbols({ ...err })).toEqual([]);
  });
});
