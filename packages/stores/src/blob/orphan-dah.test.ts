import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { sha256d, toDisplayHex } from "@subtreekit/subtree-stream";
import { FileBlobStore } from "./file-blob-store.ts";

const dir = mkdtempSync(join(tmpdir(), "stores-orphan-dah-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hashOf = (s: string): Uint8Array => sha256d(new TextEncoder().encode(s));
const HOUR = 3_600_000;
/** Sets a file's mtime `ms` in the past, as a crash that long ago would have left it. */
const age = (path: string, ms: number) => utimesSync(path, new Date(), new Date(Date.now() - ms));

/** Runs a writer that records `dah`, then SIGKILLs it mid-write: a temp file and a `.dah`, no blob. */
async function killedWriter(root: string, hash: Uint8Array, dah: number): Promise<string> {
  const script = join(import.meta.dir, "testdata", "killed-writer.ts");
  const child = Bun.spawn(["bun", script, root, toDisplayHex(hash), String(dah)], {
    stdout: "pipe",
    stderr: "inherit",
  });
  const { value } = await child.stdout.getReader().read();
  child.kill("SIGKILL");
  await child.exited;
  return (JSON.parse(new TextDecoder().decode(value)) as { tempPath: string }).tempPath;
}

describe("sweepOrphanDahFiles", () => {
  test("a .dah left by a SIGKILLed writer is removed at start; a published blob's .dah is kept", async () => {
    const store = new FileBlobStore(join(dir, "single"), { fsync: "none" });
    const orphan = hashOf("orphan");
    const kept = hashOf("kept");
    await store.put(kept, "subtreeData", new Uint8Array([1]), { dah: 500 });
    await killedWriter(store.root, orphan, 700);
    const dahFile = `${store.path(orphan, "subtreeData")}.dah`;
    expect(existsSync(dahFile)).toBe(true);
    expect(await store.exists(orphan, "subtreeData")).toBe(false);

    expect(await store.sweepTempFiles()).toBe(1);
    expect(await store.sweepOrphanDahFiles()).toBe(1);
    expect(existsSync(dahFile)).toBe(false);
    expect(await store.getDAH(kept, "subtreeData")).toBe(500);
    expect(await store.sweepOrphanDahFiles()).toBe(0);
  });

  test("shared directory (olderThanMs): only an old .dah with no temp file of its blob is removed", async () => {
    const store = new FileBlobStore(join(dir, "shared"), { fsync: "none" });
    const OLDER = 15 * 60_000;
    const dahOf = (h: Uint8Array) => `${store.path(h, "subtreeData")}.dah`;
    // A crash an hour ago: old temp and old `.dah`.
    const crashed = hashOf("crashed");
    age(await killedWriter(store.root, crashed, 700), HOUR);
    age(dahOf(crashed), HOUR);
    // A build another replica runs for long: old `.dah`, but its temp file is there.
    const building = hashOf("building");
    const live = await store.createWriter(building, "subtreeData", { dah: 800 });
    await live.write(new Uint8Array(10));
    age(dahOf(building), HOUR);
    // A `.dah` just written by a build whose temp this listing may not show: young.
    const young = hashOf("young");
    mkdirSync(dirname(dahOf(young)), { recursive: true });
    writeFileSync(dahOf(young), "900\n");

    expect(await store.sweepTempFiles({ olderThanMs: OLDER })).toBe(1);
    expect(await store.sweepOrphanDahFiles({ olderThanMs: OLDER })).toBe(1);
    expect(existsSync(dahOf(crashed))).toBe(false);
    expect(existsSync(dahOf(young))).toBe(true);
    await live.commit();
    expect(await store.getDAH(building, "subtreeData")).toBe(800);
  });
});
