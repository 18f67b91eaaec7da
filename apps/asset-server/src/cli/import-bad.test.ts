import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { openTxStore } from "@subtreekit/stores";
import {
  buildSubtree,
  merkleRoot,
  parseModelBlock,
  parseTx,
  parseWireBlock,
  serializeModelBlock,
  serializeSubtree,
  serializeWireBlock,
  toDisplayHex,
  varintSize,
} from "@subtreekit/subtree-stream";
import { requireVectors } from "@subtreekit/testkit";
import { importCli } from "./import-test-helper.ts";

const V = requireVectors("asset-server import all-or-nothing tests");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const E973 = "e973de16e606750feed45d7b02dcf493887ef27acabbd7913710b9f3454f2555";
const B171 = "0000000023ffe4075b18e77ce7342b90a7deeb92e4b3681551253291c3522824";
const WIRE = "00000000000000000488eecd93d6f3767b1ba38668200a6a5349af2e0d4fad3f";

/** Every file under `dir` (relative), sorted: what the blob store holds. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(relative(dir, join(d, e.name)));
    }
  };
  walk(dir);
  return out.sort();
}

/** Inverts one byte. */
const flip = (bytes: Uint8Array, at: number) => {
  bytes[at] = (bytes[at] as number) ^ 0xff;
};

/** Start offsets of each tx in concatenated tx bytes. */
function txOffsets(bytes: Uint8Array, from = 0): number[] {
  const at: number[] = [];
  for (let p = from; p < bytes.length; p += parseTx(bytes, p).size) at.push(p);
  return at;
}

describe.skipIf(!V)("import is all or nothing per input", () => {
  let store: string;
  let work: string;
  const snapshot = async () => {
    const txs = await openTxStore(`sqlite://${store}/tx.sqlite`);
    const rows = await txs.count();
    await txs.close();
    return { rows, files: listFiles(join(store, "blobs")) };
  };

  beforeAll(async () => {
    store = mkdtempSync(join(tmpdir(), "import-bad-store-"));
    work = mkdtempSync(join(tmpdir(), "import-bad-files-"));
    dirs.push(store, work);
    // Start from a non-empty store, so "unchanged" means more than "still empty".
    const seedRun = await importCli(store, [
      join(V as string, "model", `00000000000000000a61d5ca638906e74376e36e7a080b58a513629496a41cc4.block`),
    ]);
    expect(seedRun.code).toBe(0);
  }, 30_000);

  /** Imports `files`, expects exit 1 and one error line naming `file` and `offset`, and no change. */
  async function expectRejected(files: string[], file: string, offset: number | [number, number], also?: RegExp) {
    const before = await snapshot();
    const run = await importCli(store, files);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toStartWith(`import failed: ${file}: at byte `);
    const at = Number(/^import failed: .*?: at byte (\d+): /.exec(lines[0] as string)?.[1]);
    if (typeof offset === "number") expect(at).toBe(offset);
    else {
      expect(at).toBeGreaterThanOrEqual(offset[0]);
      expect(at).toBeLessThanOrEqual(offset[1]);
    }
    if (also) expect(lines[0]).toMatch(also);
    expect(await snapshot()).toEqual(before);
    return run;
  }

  test("a truncated wire block: exit 1, the cut tx's offset, nothing stored", async () => {
    const full = new Uint8Array(readFileSync(join(V as string, "legacy-blocks", `${WIRE}.bin`)));
    const cut = 500_000;
    const starts = txOffsets(full, 83);
    const cutTx = starts.filter((s) => s <= cut).pop() as number;
    const file = join(work, `${WIRE}.bin`);
    writeFileSync(file, full.subarray(0, cut));
    await expectRejected([file], file, cutTx, /ended inside a transaction/);
  }, 30_000);

  test("a truncated model block: exit 1 with its offset, nothing stored", async () => {
    const full = readFileSync(join(V as string, "171", `${B171}.block`));
    const file = join(work, `${B171}.block`);
    // Cut inside the coinbase, which starts after header, 3 varints and 32 subtree hashes.
    writeFileSync(file, full.subarray(0, 1200));
    const coinbaseAt = 80 + 3 + 5 + 1 + 32 * 32;
    await expectRejected([file], file, [coinbaseAt, 1200], /not a Teranode model block/);
    rmSync(file);
  }, 30_000);

  test("subtree data whose tx does not match its node: the subtree and its data are not stored", async () => {
    const data = new Uint8Array(readFileSync(join(V as string, "subtrees", `${E973}.subtreeData`)));
    const starts = txOffsets(data);
    const tx5 = parseTx(data, starts[5] as number);
    flip(data, (starts[5] as number) + tx5.size - 5); // a byte of its last script: same length, other txid
    const dir = join(work, "e973");
    mkdirSync(dir);
    const subtree = join(dir, `${E973}.subtree`);
    const file = join(dir, `${E973}.subtreeData`);
    copyFileSync(join(V as string, "subtrees", `${E973}.subtree`), subtree);
    writeFileSync(file, data);
    await expectRejected([subtree, file], file, starts[5] as number, /tx 5 .* has txid/);
  }, 30_000);

  test("a subtree that repeats its last node keeps its root (CVE-2012-2459): refused at the repeat's offset, nothing stored", async () => {
    const nodes = readFileSync(join(V as string, "subtrees", `${E973}.subtree`)).subarray(0, 96);
    const leaves = [0, 1, 2].map((i) => nodes.subarray(i * 32, i * 32 + 32));
    const hex = toDisplayHex(merkleRoot(leaves));
    const forged = Buffer.concat([nodes, leaves[2]!]);
    expect(toDisplayHex(merkleRoot([...leaves, leaves[2]!]))).toBe(hex);
    const file = join(work, `${hex}.subtree`);
    writeFileSync(file, forged);
    await expectRejected([file], file, 96, /node 3 repeats node 2/);
    // the full form (with its magic) is refused at the node's place in it too
    const full = serializeSubtree(buildSubtree([...leaves, leaves[2]!].map((hash) => ({ hash, fee: 0, size: 0 }))), {
      magic: "S-1.0   ",
    });
    writeFileSync(file, full);
    await expectRejected([file], file, 8 + 56 + 48 * 3, /node 3 repeats node 2/);
    rmSync(file);
  }, 30_000);

  test("blocks that repeat their last tx or last subtree keep their header (CVE-2012-2459): refused at the repeat, nothing stored", async () => {
    // 485 txs (odd): a 486th copy of the last pairs with itself as the merkle rule pads it anyway
    const ODD = "0000000000000000015594853418b4093c4be4ad8b77fec88b5400feb3268fc4";
    const wire = parseWireBlock(new Uint8Array(readFileSync(join(V as string, "legacy-blocks", `${ODD}.bin`))));
    const txs = wire.txs.map((t) => t.bytes);
    const forged = serializeWireBlock(wire.header, [...txs, txs.at(-1)!]);
    const wireFile = join(work, `${ODD}.bin`);
    writeFileSync(wireFile, forged);
    await expectRejected([wireFile], wireFile, forged.length - txs.at(-1)!.length, /tx 485 repeats tx 484/);
    rmSync(wireFile);

    const model = parseModelBlock(new Uint8Array(readFileSync(join(V as string, "171", `${B171}.block`))));
    const listed = { ...model, subtrees: [...model.subtrees, model.subtrees.at(-1)!] };
    const blockFile = join(work, `${B171}.block`);
    writeFileSync(blockFile, serializeModelBlock(listed));
    const listAt = 80 + varintSize(model.txCount) + varintSize(model.sizeInBytes) + varintSize(33);
    await expectRejected([blockFile], blockFile, listAt + 32 * 32, /subtree 32 repeats subtree 31/);
    rmSync(blockFile);
  }, 30_000);

  test("a block whose 20th subtree_data has a bad tx: nothing of the block, its 32 subtrees or 1023 txs is stored", async () => {
    const dir = join(work, "171");
    mkdirSync(dir);
    const names = readdirSync(join(V as string, "171"));
    for (const n of names) copyFileSync(join(V as string, "171", n), join(dir, n));
    const victim = names.filter((n) => n.endsWith(".subtree_data")).sort()[20] as string;
    const data = new Uint8Array(readFileSync(join(dir, victim)));
    const starts = txOffsets(data);
    flip(data, (starts[7] as number) + 20); // inside tx 7's first prev txid (EF: after version, marker, nIn)
    writeFileSync(join(dir, victim), data);
    // Only the block is named: its subtrees and data are found beside it.
    await expectRejected([join(dir, `${B171}.block`)], join(dir, victim), starts[7] as number);
  }, 30_000);

  test("files of the wrong kind: a subtree named .block, a text file, a subtree named as a tx", async () => {
    const asBlock = join(work, `${E973}.block`);
    copyFileSync(join(V as string, "subtrees", `${E973}.subtree`), asBlock);
    await expectRejected([asBlock], asBlock, 0, /not a block: its first 80 bytes do not hash to the file name/);

    const text = join(work, "notes.txt");
    writeFileSync(text, "these are not the bytes you are looking for\n");
    // "thes" is the version, "e" (101) an input count the 39 bytes left cannot hold.
    await expectRejected(
      [text],
      text,
      5,
      /neither a wire block .* nor a single tx \(as a tx: impossible input count 101/,
    );

    const asTx = join(work, `${E973}.bin`);
    copyFileSync(join(V as string, "subtrees", `${E973}.subtree`), asTx);
    // Read as a tx it breaks somewhere inside; as a block its header does not hash to the name.
    await expectRejected(
      [asTx],
      asTx,
      [0, 32768],
      /neither a wire block whose header hashes to its name nor a single tx/,
    );
  }, 30_000);

  test("good and bad inputs together: the good ones are stored, the bad one is reported, exit 1", async () => {
    const before = await snapshot();
    const bad = join(work, "bad-tx.hex");
    writeFileSync(bad, "0100zz");
    const good = join(V as string, "txs", "a3041ffd31b46f9bb6e4cd78c89287b405fb911e893a5dead18372400832abc6.hex");
    const run = await importCli(store, [good, bad]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`import failed: ${bad}: at byte 4: `);
    expect(run.stdout).toContain("imported tx a3041ffd");
    expect((await snapshot()).rows).toBe(before.rows + 1);
  }, 30_000);
});
