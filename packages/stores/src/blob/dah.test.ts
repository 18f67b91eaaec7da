import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256d } from "@subtreekit/subtree-stream";
import { StorageError } from "../errors/storage-error.ts";
import { FileBlobStore } from "./file-blob-store.ts";

const dir = mkdtempSync(join(tmpdir(), "stores-dah-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hashOf = (s: string): Uint8Array => sha256d(new TextEncoder().encode(s));

describe("DAH retention", () => {
  const store = new FileBlobStore(join(dir, "a"), { fsync: "none" });

  test("setDAH writes <file>.dah as a decimal height; 0 removes it (keep forever)", async () => {
    const h = hashOf("one");
    await store.put(h, "subtreeData", new Uint8Array([1]));
    expect(await store.getDAH(h, "subtreeData")).toBe(0);
    await store.setDAH(h, "subtreeData", 1288);
    expect(await Bun.file(`${store.path(h, "subtreeData")}.dah`).text()).toBe("1288\n");
    expect(await store.getDAH(h, "subtreeData")).toBe(1288);
    await store.setDAH(h, "subtreeData", 0);
    expect(existsSync(`${store.path(h, "subtreeData")}.dah`)).toBe(false);
    expect(await store.getDAH(h, "subtreeData")).toBe(0);
  });

  test("setDAH on a missing blob is NOT_FOUND; a bad height is a TypeError", async () => {
    await expect(store.setDAH(hashOf("none"), "subtree", 5)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const h = hashOf("bad-height");
    await store.put(h, "subtree", new Uint8Array([1]));
    await expect(store.setDAH(h, "subtree", -1)).rejects.toBeInstanceOf(TypeError);
    await expect(store.setDAH(h, "subtree", 1.5)).rejects.toBeInstanceOf(TypeError);
  });

  test("createWriter with dah records it before any data is published", async () => {
    const h = hashOf("born-with-dah");
    const w = await store.createWriter(h, "subtreeData", { dah: 700 });
    expect(await store.getDAH(h, "subtreeData")).toBe(700);
    await w.write(new Uint8Array([9]));
    await w.commit();
    expect(await store.getDAH(h, "subtreeData")).toBe(700);
  });

  test("createWriter for a blob that already exists leaves that blob's retention alone", async () => {
    const h = hashOf("permanent");
    await store.put(h, "subtreeData", new Uint8Array([1]));
    expect(await store.getDAH(h, "subtreeData")).toBe(0);
    await expect(store.createWriter(h, "subtreeData", { dah: 10 })).rejects.toMatchObject({ name: "FileExistsError" });
    expect(await store.getDAH(h, "subtreeData")).toBe(0);
  });

  test("a .dah that is not a number is a BAD_DAH StorageError naming it", async () => {
    const h = hashOf("garbage");
    await store.put(h, "subtree", new Uint8Array([1]));
    writeFileSync(`${store.path(h, "subtree")}.dah`, "soon");
    const err = await store.getDAH(h, "subtree").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).code).toBe("BAD_DAH");
    expect((err as Error).message).toContain(".dah");
  });

  test("pruneExpired deletes blobs (and side files) with DAH ≤ height, keeps the rest", async () => {
    const s = new FileBlobStore(join(dir, "prune"), { fsync: "none" });
    const at = (name: string) => hashOf(`prune-${name}`);
    await s.put(at("100"), "subtreeData", new Uint8Array([1]), { dah: 100 });
    await s.put(at("101"), "subtreeData", new Uint8Array([1]), { dah: 101 });
    await s.put(at("150"), "subtree", new Uint8Array([1]), { dah: 150 });
    await s.put(at("forever"), "subtreeData", new Uint8Array([1]));
    await s.put(at("junk"), "subtreeData", new Uint8Array([1]));
    writeFileSync(`${s.path(at("junk"), "subtreeData")}.dah`, "not a height");
    writeFileSync(`${s.path(at("100"), "subtreeData")}.sha256`, "x");

    expect(await s.pruneExpired(101)).toBe(2);
    expect(await s.exists(at("100"), "subtreeData")).toBe(false);
    expect(existsSync(`${s.path(at("100"), "subtreeData")}.dah`)).toBe(false);
    expect(existsSync(`${s.path(at("100"), "subtreeData")}.sha256`)).toBe(false);
    expect(await s.exists(at("101"), "subtreeData")).toBe(false);
    expect(await s.exists(at("150"), "subtree")).toBe(true);
    expect(await s.exists(at("forever"), "subtreeData")).toBe(true);
    expect(await s.exists(at("junk"), "subtreeData")).toBe(true);
    expect(await s.pruneExpired(101)).toBe(0);
    expect(await s.pruneExpired(1_000_000)).toBe(1);
    expect(await s.exists(at("150"), "subtree")).toBe(false);
  });

  test("pruneExpired on a root that does not exist yet prunes nothing", async () => {
    expect(await new FileBlobStore(join(dir, "never-created")).pruneExpired(10)).toBe(0);
  });
});
