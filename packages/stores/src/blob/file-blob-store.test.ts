import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { sha256d, toDisplayHex } from "@subtreekit/subtree-stream";
import { FileExistsError } from "@subtreekit/subtree-stream/bun";
import { StorageError } from "../errors/storage-error.ts";
import { BLOB_TYPES } from "./blob-types.ts";
import { FileBlobStore } from "./file-blob-store.ts";

const dir = mkdtempSync(join(tmpdir(), "stores-blob-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let seq = 0;
const newHash = (): Uint8Array => sha256d(new TextEncoder().encode(`blob ${seq++}`));
const body = (n: number): Uint8Array<ArrayBuffer> => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);
const store = new FileBlobStore(join(dir, "store"), { fsync: "none" });

describe("FileBlobStore layout", () => {
  test("put writes <root>/<2 hex>/<display hash>.<type> starting with the type's magic", async () => {
    const hash = newHash();
    const display = toDisplayHex(hash);
    const magics = {
      subtree: "S-1.0   ",
      subtreeToCheck: "SC-1.0  ",
      subtreeData: "SD-1.0  ",
      subtreeMeta: "SM-1.0  ",
      block: "B-1.0   ",
      tx: "T-1.0   ",
    };
    for (const type of BLOB_TYPES) {
      await store.put(hash, type, body(100));
      const file = join(store.root, display.slice(0, 2), `${display}.${type}`);
      expect(store.path(hash, type)).toBe(file);
      const raw = readFileSync(file);
      expect(raw.subarray(0, 8).toString("latin1")).toBe(magics[type]);
      expect(new Uint8Array(raw.subarray(8))).toEqual(body(100));
    }
  });

  test("hashPrefix=0 puts files in the root; hashPrefix=4 uses 4 hex digits", async () => {
    const hash = newHash();
    const flat = new FileBlobStore(join(dir, "flat"), { hashPrefix: 0, fsync: "none" });
    expect(flat.path(hash, "tx")).toBe(join(dir, "flat", `${toDisplayHex(hash)}.tx`));
    const deep = new FileBlobStore(join(dir, "deep"), { hashPrefix: 4, fsync: "none" });
    await deep.put(hash, "tx", body(5));
    expect(readdirSync(join(dir, "deep"))).toEqual([toDisplayHex(hash).slice(0, 4)]);
  });

  test("reads a file written by another tool in Teranode's layout (NUL-padded magic accepted)", async () => {
    const hash = newHash();
    const file = store.path(hash, "subtreeData");
    await Bun.write(file, new Uint8Array([...new TextEncoder().encode("SD-1.0\0\0"), 1, 2, 3]));
    expect(await store.get(hash, "subtreeData")).toEqual(new Uint8Array([1, 2, 3]));
  });
});

describe("FileBlobStore reads", () => {
  test("exists, get and getStream see the body without the header; missing → false/undefined", async () => {
    const hash = newHash();
    expect(await store.exists(hash, "subtree")).toBe(false);
    expect(await store.get(hash, "subtree")).toBeUndefined();
    expect(await store.getStream(hash, "subtree")).toBeUndefined();
    await store.put(hash, "subtree", body(5000));
    expect(await store.exists(hash, "subtree")).toBe(true);
    expect(await store.get(hash, "subtree")).toEqual(body(5000));
    const s = await store.getStream(hash, "subtree");
    expect(s?.size).toBe(5000);
    expect(await Bun.readableStreamToBytes(s!.stream)).toEqual(body(5000));
  });

  test("getStream with a range returns that slice of the body and its size", async () => {
    const hash = newHash();
    await store.put(hash, "block", body(1000));
    const s = await store.getStream(hash, "block", { range: { start: 10, end: 42 } });
    expect(s?.size).toBe(32);
    expect(await Bun.readableStreamToBytes(s!.stream)).toEqual(body(1000).subarray(10, 42));
    const tail = await store.getStream(hash, "block", { range: { start: 990 } });
    expect(await Bun.readableStreamToBytes(tail!.stream)).toEqual(body(1000).subarray(990));
    await expect(store.getStream(hash, "block", { range: { start: 5, end: 1 } })).rejects.toBeInstanceOf(RangeError);
  });

  test("the path serves as Bun.file(path).slice(8) with the same bytes", async () => {
    const hash = newHash();
    await store.put(hash, "subtreeData", body(300));
    expect(await Bun.file(store.path(hash, "subtreeData")).slice(8).bytes()).toEqual(body(300));
  });

  test("an aborted signal errors the stream with its reason", async () => {
    const hash = newHash();
    await store.put(hash, "subtreeData", body(3 * 1024 * 1024));
    const ac = new AbortController();
    const s = await store.getStream(hash, "subtreeData", { signal: ac.signal });
    const reader = s!.stream.getReader();
    await reader.read();
    ac.abort(new Error("client gone"));
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) break;
      })(),
    ).rejects.toThrow("client gone");
  });
});

describe("FileBlobStore bad input", () => {
  test("a blob with a foreign magic is a StorageError naming the file, on get and getStream", async () => {
    const hash = newHash();
    const file = store.path(hash, "subtree");
    await store.put(hash, "subtreeData", body(10));
    // A subtreeData file renamed to .subtree: right layout, wrong magic.
    await Bun.write(file, Bun.file(store.path(hash, "subtreeData")));
    const err = await store.get(hash, "subtree").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).code).toBe("BAD_HEADER");
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toContain("mismatch");
    await expect(store.getStream(hash, "subtree")).rejects.toBeInstanceOf(StorageError);
  });

  test("a blob with no magic (raw bytes, or shorter than 8) is a StorageError", async () => {
    const hash = newHash();
    await Bun.write(store.path(hash, "tx"), new Uint8Array([1, 0, 0, 0, 1, 2, 3, 4, 5, 6]));
    await expect(store.get(hash, "tx")).rejects.toThrow(/missing or invalid header/);
    await Bun.write(store.path(hash, "tx"), new Uint8Array([1, 2]));
    await expect(store.get(hash, "tx")).rejects.toMatchObject({ name: "StorageError", code: "BAD_HEADER" });
  });

  test("a wrong-length hash is a TypeError everywhere", async () => {
    for (const bad of [new Uint8Array(31), new Uint8Array(33), new Uint8Array(0)]) {
      expect(() => store.path(bad, "subtree")).toThrow(TypeError);
      await expect(store.exists(bad, "subtree")).rejects.toBeInstanceOf(TypeError);
      await expect(store.get(bad, "subtree")).rejects.toBeInstanceOf(TypeError);
      await expect(store.put(bad, "subtree", body(1))).rejects.toBeInstanceOf(TypeError);
      await expect(store.createWriter(bad, "subtree")).rejects.toBeInstanceOf(TypeError);
      await expect(store.delete(bad, "subtree")).rejects.toBeInstanceOf(TypeError);
    }
    expect(() => store.path("ab".repeat(32) as unknown as Uint8Array, "tx")).toThrow(TypeError);
  });

  test("bad constructor options are a TypeError", () => {
    expect(() => new FileBlobStore(dir, { hashPrefix: -1 })).toThrow(TypeError);
    expect(() => new FileBlobStore(dir, { hashPrefix: 65 })).toThrow(TypeError);
    expect(() => new FileBlobStore(dir, { fsync: "always" as "full" })).toThrow(TypeError);
  });

  test("a type outside the fixed list is a TypeError, so no path can be named", async () => {
    const hash = newHash();
    for (const bad of ["../../etc/passwd", "subtree/../..", "", "SUBTREE", "dah", "subtree.dah"]) {
      expect(() => store.path(hash, bad as "subtree")).toThrow(TypeError);
      await expect(store.get(hash, bad as "subtree")).rejects.toBeInstanceOf(TypeError);
    }
  });

  test("nothing escapes the root: every path of 2,000 random keys × every type stays inside it", () => {
    for (let i = 0; i < 2000; i++) {
      const hash = crypto.getRandomValues(new Uint8Array(32));
      for (const type of BLOB_TYPES) {
        const rel = relative(store.root, store.path(hash, type));
        expect(rel.startsWith("..") || rel.startsWith(sep)).toBe(false);
        expect(rel).toMatch(/^[0-9a-f]{2}[/\\][0-9a-f]{64}\.[A-Za-z]+$/);
      }
    }
  });
});

describe("FileBlobStore writes", () => {
  test("put of an existing blob rejects with FileExistsError and keeps the first bytes", async () => {
    const hash = newHash();
    await store.put(hash, "subtree", body(10));
    await expect(store.put(hash, "subtree", body(20))).rejects.toBeInstanceOf(FileExistsError);
    expect(await store.get(hash, "subtree")).toEqual(body(10));
  });

  test("createWriter streams a body and publishes on commit; abort leaves nothing", async () => {
    const hash = newHash();
    const w = await store.createWriter(hash, "subtreeData");
    await w.write(body(100));
    await w.write(body(50));
    expect(await store.exists(hash, "subtreeData")).toBe(false);
    await w.commit();
    const expected = new Uint8Array([...body(100), ...body(50)]);
    expect(await store.get(hash, "subtreeData")).toEqual(expected);
    await expect(store.createWriter(hash, "subtreeData")).rejects.toBeInstanceOf(FileExistsError);

    const other = newHash();
    const a = await store.createWriter(other, "subtreeData");
    await a.write(body(10));
    await a.abort(new Error("build failed"));
    expect(await store.exists(other, "subtreeData")).toBe(false);
    expect(readdirSync(join(store.root, toDisplayHex(other).slice(0, 2))).some((n) => n.endsWith(".tmp"))).toBe(false);
  });

  test("createWriter with tempName writes the body beside the blob under that name until commit", async () => {
    const hash = newHash();
    const final = store.path(hash, "subtreeData");
    const name = `.${toDisplayHex(hash)}.subtreeData.p9.tmp`;
    const w = await store.createWriter(hash, "subtreeData", { tempName: name });
    expect(w.tempPath).toBe(join(dirname(final), name));
    await w.write(body(30));
    await w.flush();
    expect(readFileSync(w.tempPath).subarray(8)).toEqual(Buffer.from(body(30)));
    await w.commit();
    expect(await store.get(hash, "subtreeData")).toEqual(body(30));
    expect(readdirSync(dirname(final)).includes(name)).toBe(false);
  });

  test("delete removes the blob and its side files; a missing blob is not an error", async () => {
    const hash = newHash();
    await store.put(hash, "subtree", body(10), { dah: 50 });
    expect(await store.delete(hash, "subtree")).toBe(true);
    expect(await store.exists(hash, "subtree")).toBe(false);
    expect(await Bun.file(`${store.path(hash, "subtree")}.dah`).exists()).toBe(false);
    expect(await store.delete(hash, "subtree")).toBe(false);
  });
});

describe("FileBlobStore streams survive deletion", () => {
  test("a stream opened before pruneExpired/delete still delivers the whole body", async () => {
    const hash = newHash();
    const big = body(2 * 1024 * 1024);
    await store.put(hash, "subtreeData", big, { dah: 10 });
    const s = await store.getStream(hash, "subtreeData");
    expect(await store.pruneExpired(10)).toBeGreaterThanOrEqual(1);
    expect(await store.exists(hash, "subtreeData")).toBe(false);
    expect(await Bun.readableStreamToBytes(s!.stream)).toEqual(big);
  });
});

describe("FileBlobStore.list", () => {
  test("yields exactly the hashes stored under one type, from every shard, skipping side and temp files", async () => {
    const own = new FileBlobStore(join(dir, "list"), { fsync: "none" });
    const blocks = [newHash(), newHash(), newHash()];
    for (const h of blocks) await own.put(h, "block", body(10), { dah: 5 });
    await own.put(newHash(), "subtree", body(10));
    const sink = await own.createWriter(newHash(), "block");
    sink.write(body(3)); // a temp file in a shard, never committed
    const listed: string[] = [];
    for await (const h of own.list("block")) listed.push(toDisplayHex(h));
    expect(listed.sort()).toEqual(blocks.map(toDisplayHex).sort());
    await sink.abort();
    const none: Uint8Array[] = [];
    for await (const h of new FileBlobStore(join(dir, "absent")).list("block")) none.push(h);
    expect(none).toEqual([]);
  });
});
