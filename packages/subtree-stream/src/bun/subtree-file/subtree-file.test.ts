import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MalformedDataError } from "../../errors/malformed-data-error.ts";
import { buildSubtree, parseSubtree, type SubtreeNode, serializeSubtree } from "../../subtree/index.ts";
import { collect, VEC, vec } from "../../testdata/helpers.ts";
import {
  readSubtreeFileConflicting,
  readSubtreeFileHead,
  readSubtreeFileNodeHashes,
  readSubtreeFileNodes,
  storedTxSize,
} from "./index.ts";

const dir = mkdtempSync(join(tmpdir(), "stk-subtree-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
function file(bytes: Uint8Array): string {
  const path = join(dir, `${files++}.subtree`);
  writeFileSync(path, bytes);
  return path;
}

const node = (i: number): SubtreeNode => ({ hash: new Uint8Array(32).fill(i & 0xff), fee: i * 3, size: 200 + i });
const nodes = Array.from({ length: 1000 }, (_, i) => node(i));
const conflicting = [new Uint8Array(32).fill(7), new Uint8Array(32).fill(9)];
const bytes = serializeSubtree(buildSubtree(nodes, conflicting), { magic: "S-1.0   " });

async function expectMalformed(p: Promise<unknown>, code: string, path: string, offset: number): Promise<void> {
  const e = await p.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(MalformedDataError);
  expect(e).toMatchObject({ code, path, offset });
  expect((e as Error).message).toContain(path);
}

describe("subtree file range reads", () => {
  test("head, node pages, node hashes (across batch edges) and conflicting nodes match parseSubtree", async () => {
    const path = file(bytes);
    const st = parseSubtree(bytes);
    const head = await readSubtreeFileHead(path);
    expect(head).toEqual({
      magic: "S-1.0   ",
      storedRoot: st.storedRoot,
      fees: st.fees,
      sizeInBytes: st.sizeInBytes,
      count: 1000,
    });
    expect(await readSubtreeFileNodes(path, 0, 1000)).toEqual(st.nodes);
    expect(await readSubtreeFileNodes(path, 998, 1000)).toEqual(st.nodes.slice(998));
    expect(await readSubtreeFileNodes(path, 5, 5)).toEqual([]);
    const batches = await collect(readSubtreeFileNodeHashes(path, head.count, { batch: 333 }));
    expect(batches.map((b) => b.length)).toEqual([333, 333, 333, 1]);
    expect(batches.flat()).toEqual(st.nodes.map((n) => n.hash));
    expect(batches.flat().map(storedTxSize)).toEqual(st.nodes.map((n) => n.size));
    expect(await readSubtreeFileConflicting(path, head.count)).toEqual(conflicting);
    expect(await readSubtreeFileConflicting(path, head.count, { limit: 1 })).toEqual(conflicting.slice(0, 1));
  });

  test("a subtree-to-check file (SC-1.0 magic) reads the same", async () => {
    const path = file(serializeSubtree(buildSubtree(nodes.slice(0, 3)), { magic: "SC-1.0  " }));
    expect(await readSubtreeFileHead(path)).toMatchObject({ magic: "SC-1.0  ", count: 3 });
    expect((await collect(readSubtreeFileNodeHashes(path, 3))).flat()).toEqual(nodes.slice(0, 3).map((n) => n.hash));
  });

  test.skipIf(!VEC)("the 4d22 vector (a real Teranode subtree file) reads as parseSubtree reads it", async () => {
    const real = vec("subtrees/4d22d3ea8d618c6de784855bf4facd0760f4012852242adfd399cff700665f3d.subtree");
    const path = file(real);
    const st = parseSubtree(real);
    const head = await readSubtreeFileHead(path);
    expect([head.count, head.fees, head.sizeInBytes]).toEqual([st.nodes.length, st.fees, st.sizeInBytes]);
    expect((await collect(readSubtreeFileNodeHashes(path, head.count, { batch: 1000 }))).flat()).toEqual(
      st.nodes.map((n) => n.hash),
    );
    expect(await readSubtreeFileNodes(path, 0, head.count)).toEqual(st.nodes);
    expect(await readSubtreeFileConflicting(path, head.count)).toEqual(st.conflictingNodes.slice(0, 100));
  });
});

describe("subtree file errors name the file and the byte offset", () => {
  test("a truncated head is SUBTREE_TRUNCATED at the end of the file", async () => {
    const path = file(bytes.subarray(0, 30));
    await expectMalformed(readSubtreeFileHead(path), "SUBTREE_TRUNCATED", path, 30);
  });

  test("a file without a subtree magic is SUBTREE_BAD_MAGIC", async () => {
    const path = file(bytes.subarray(8));
    await expectMalformed(readSubtreeFileHead(path), "SUBTREE_BAD_MAGIC", path, 0);
  });

  test("a truncated node range is SUBTREE_TRUNCATED where the file ends, for pages and for hashes", async () => {
    const cut = 64 + 10 * 48 + 20; // inside node 10
    const path = file(bytes.subarray(0, cut));
    const { count } = await readSubtreeFileHead(path);
    await expectMalformed(readSubtreeFileNodes(path, 0, count), "SUBTREE_TRUNCATED", path, cut);
    await expectMalformed(readSubtreeFileNodes(path, 8, 12), "SUBTREE_TRUNCATED", path, cut);
    await expectMalformed(
      collect(readSubtreeFileNodeHashes(path, count, { batch: 4 })),
      "SUBTREE_TRUNCATED",
      path,
      cut,
    );
    // Batches before the cut still arrive: a build fails at the gap, not before.
    const it = readSubtreeFileNodeHashes(path, count, { batch: 4 });
    expect((await it.next()).value).toHaveLength(4);
    await it.return();
  });

  test("a file that ends inside its conflicting list is SUBTREE_TRUNCATED", async () => {
    const path = file(bytes.subarray(0, bytes.length - 1));
    await expectMalformed(readSubtreeFileConflicting(path, 1000), "SUBTREE_TRUNCATED", path, bytes.length - 1);
    const noCount = file(bytes.subarray(0, 64 + 1000 * 48 + 3));
    await expectMalformed(readSubtreeFileConflicting(noCount, 1000), "SUBTREE_TRUNCATED", noCount, 64 + 1000 * 48 + 3);
  });

  test("an aborted signal rejects with its reason before reading", async () => {
    const path = file(bytes);
    const reason = new Error("client left");
    const signal = AbortSignal.abort(reason);
    await expect(readSubtreeFileHead(path, { signal })).rejects.toBe(reason);
    await expect(readSubtreeFileNodes(path, 0, 1, { signal })).rejects.toBe(reason);
    await expect(readSubtreeFileConflicting(path, 1000, { signal })).rejects.toBe(reason);
    await expect(collect(readSubtreeFileNodeHashes(path, 1000, { signal }))).rejects.toBe(reason);
  });
});
