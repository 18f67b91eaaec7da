import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openBlobStore, openTxStore } from "@subtreekit/stores";
import { fromDisplayHex, parseSubtree, serializeSubtreeNodes } from "@subtreekit/subtree-stream";
import { seed } from "../seed/seed.ts";
import { importFiles } from "./import-files.ts";

const dir = mkdtempSync(join(tmpdir(), "import-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a nodes-only subtree takes fee and size from txs already stored, and 0 for the ones it lacks", async () => {
  const txStore = await openTxStore(`sqlite://${dir}/tx.sqlite`);
  const seeded = await openBlobStore(`file://${dir}/seeded?fsync=none`);
  const made = await seed({ txStore, blobStore: seeded, subtrees: 2, txs: 16, txBytes: 300, seed: 3 });
  const hex = made.subtrees[1] as string;
  const full = parseSubtree((await seeded.get(fromDisplayHex(hex), "subtree")) as Uint8Array);
  const file = join(dir, `${hex}.subtree`);
  writeFileSync(file, serializeSubtreeNodes(full.nodes.map((n) => n.hash)));

  // Same tx store, fresh blob store: every node's tx is known.
  const fresh = await openBlobStore(`file://${dir}/fresh?fsync=none`);
  const report = await importFiles({ files: [file], txStore, blobStore: fresh });
  expect(report.failed).toEqual([]);
  expect(report.imported[0]?.summary).not.toContain("without their tx");
  const stored = parseSubtree((await fresh.get(fromDisplayHex(hex), "subtree")) as Uint8Array);
  expect(stored.sizeInBytes).toBe(16 * 300);
  expect(stored.nodes.every((n) => n.size === 300)).toBe(true);

  // Empty tx store: the subtree is still stored (served nodes-only), sizes 0, and the report says so.
  const emptyTxs = await openTxStore(`sqlite://${dir}/empty.sqlite`);
  const other = await openBlobStore(`file://${dir}/other?fsync=none`);
  const bare = await importFiles({ files: [file], txStore: emptyTxs, blobStore: other });
  expect(bare.imported[0]?.summary).toContain("16 nodes without their tx (fee/size 0)");
  expect(parseSubtree((await other.get(fromDisplayHex(hex), "subtree")) as Uint8Array).sizeInBytes).toBe(0);
  await txStore.close();
  await emptyTxs.close();
});

test("a missing file is reported with its name; a bad --subtree-size is refused before anything", async () => {
  const txStore = await openTxStore(`sqlite://${dir}/tx2.sqlite`);
  const blobStore = await openBlobStore(`file://${dir}/b2?fsync=none`);
  const gone = join(dir, "no-such-file.bin");
  const report = await importFiles({ files: [gone], txStore, blobStore });
  expect(report.failed).toHaveLength(1);
  expect(report.failed[0]?.message).toStartWith(`${gone}: at byte 0: cannot read`);
  expect(importFiles({ files: [gone], txStore, blobStore, subtreeSize: 1000 })).rejects.toThrow(/power of two/);
  await txStore.close();
});
