import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TxRecord } from "@subtreekit/stores";
import { openBlobStore, openTxStore } from "@subtreekit/stores";
import { sha256d } from "@subtreekit/subtree-stream";
import { BATCH_TXS } from "../tx-batches/bounded-batches.ts";
import { commitUnit, type ImportBlobStore, type ImportTxStore } from "./commit-unit.ts";
import { ImportError } from "./import-error.ts";
import type { ImportUnit } from "./unit.ts";

const dir = mkdtempSync(join(tmpdir(), "commit-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a blob write failing after the txs were stored removes the unit's published blobs and says the txs stay", async () => {
  const txStore = await openTxStore(`sqlite://${dir}/tx.sqlite`);
  const real = await openBlobStore(`file://${dir}/blobs?fsync=none`);
  let puts = 0;
  const failing: ImportBlobStore = {
    exists: (h, t) => real.exists(h, t),
    get: (h, t) => real.get(h, t),
    delete: (h, t) => real.delete(h, t),
    put: async (h, t, b) => {
      if (++puts === 2) throw new Error("disk full (injected)");
      return real.put(h, t, b);
    },
  };
  const tx = Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  const h1 = sha256d(Uint8Array.of(1));
  const h2 = sha256d(Uint8Array.of(2));
  const unit: ImportUnit = {
    file: "x.block",
    files: ["x.block"],
    kind: "model-block",
    hash: "x",
    txs: [{ hash: sha256d(tx), standard: tx, size: tx.length }],
    blobs: [
      { hash: h1, type: "subtree", bytes: Uint8Array.of(1) },
      { hash: h2, type: "block", bytes: Uint8Array.of(2) },
    ],
    summary: "",
  };
  const err = await commitUnit(unit, txStore, failing).catch((e) => e);
  expect(err).toBeInstanceOf(ImportError);
  expect(err.code).toBe("IO");
  expect(err.message).toContain("x.block: at byte 0: writing");
  expect(err.message).toContain("txs stay in the tx store");
  expect(await real.exists(h1, "subtree")).toBe(false); // rolled back
  expect(await real.exists(h2, "block")).toBe(false);
  expect(await txStore.count()).toBe(1); // content-addressed: kept, harmless

  // A retry with a healthy store publishes both and re-uses the stored tx.
  expect(await commitUnit(unit, txStore, real)).toEqual({ blobsWritten: 2, blobsKept: 0 });
  expect(await commitUnit(unit, txStore, real)).toEqual({ blobsWritten: 0, blobsKept: 2 });
  expect(await txStore.count()).toBe(1);
  await txStore.close();
});

test("fake counting tx store: a unit's txs go in one putTxBatches call, no batch above the bound", async () => {
  const real = await openBlobStore(`file://${dir}/blobs-batches?fsync=none`);
  let calls = 0;
  let largest = 0;
  let total = 0;
  const fake: ImportTxStore = {
    putTxs: async () => {
      throw new Error("commitUnit should use putTxBatches when the store has it");
    },
    putTxBatches: async (batches) => {
      calls++;
      for (const b of batches) {
        largest = Math.max(largest, b.length);
        total += b.length;
      }
    },
    getTx: async () => undefined,
    has: async (hs) => hs.map(() => false),
  };
  const txs: TxRecord[] = Array.from({ length: 50_000 }, (_, i) => {
    const tx = new Uint8Array(10);
    new DataView(tx.buffer).setUint32(0, i);
    return { hash: sha256d(tx), standard: tx, size: tx.length };
  });
  const unit: ImportUnit = {
    file: "w.bin",
    files: ["w.bin"],
    kind: "wire-block",
    hash: "w",
    txs,
    blobs: [],
    summary: "",
  };
  await commitUnit(unit, fake, real);
  expect(calls).toBe(1);
  expect(total).toBe(50_000);
  expect(largest).toBeLessThanOrEqual(BATCH_TXS);
});
