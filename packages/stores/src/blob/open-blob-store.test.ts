import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StoreOpenError } from "../errors/store-open-error.ts";
import { openBlobStore } from "./open-blob-store.ts";

const dir = mkdtempSync(join(tmpdir(), "stores-open-blob-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("openBlobStore", () => {
  test("file:///abs?hashPrefix=3&fsync=data opens that directory with those options", async () => {
    const root = join(dir, "abs", "store");
    const blobs = await openBlobStore(`file://${root}?hashPrefix=3&fsync=data`);
    expect(blobs.root).toBe(root);
    expect(blobs.hashPrefix).toBe(3);
    expect(blobs.fsync).toBe("data");
    expect(statSync(root).isDirectory()).toBe(true);
  });

  test("file://./data/subtreestore resolves against cwd with Teranode's defaults", async () => {
    const blobs = await openBlobStore("file://./data/subtreestore", { cwd: dir });
    expect(blobs.root).toBe(join(dir, "data", "subtreestore"));
    expect(blobs.hashPrefix).toBe(2);
    expect(blobs.fsync).toBe("full");
  });

  test("Teranode's fsyncMode parameter is accepted", async () => {
    expect((await openBlobStore(`file://${dir}/t?fsyncMode=none`)).fsync).toBe("none");
  });

  test("bad parameters and unknown schemes fail at open with a StoreOpenError naming them", async () => {
    await expect(openBlobStore(`file://${dir}/x?hashPrefix=two`)).rejects.toThrow(/hashPrefix/);
    await expect(openBlobStore(`file://${dir}/x?fsync=sometimes`)).rejects.toThrow(/fsync/);
    await expect(openBlobStore(`file://${dir}/x?hashSuffix=2`)).rejects.toMatchObject({ code: "BAD_URL" });
    await expect(openBlobStore("s3://bucket/prefix")).rejects.toMatchObject({ code: "UNKNOWN_SCHEME" });
    await expect(openBlobStore("file://")).rejects.toMatchObject({ code: "BAD_URL" });
  });

  test("a root that cannot be created fails at open (UNREACHABLE), not at the first write", async () => {
    writeFileSync(join(dir, "plain-file"), "x");
    const err = await openBlobStore(`file://${dir}/plain-file/store`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreOpenError);
    expect((err as StoreOpenError).code).toBe("UNREACHABLE");
    expect((err as Error).message).toContain("plain-file");
  });
});
