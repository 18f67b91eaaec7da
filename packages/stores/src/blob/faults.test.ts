import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { sha256d, toDisplayHex } from "@subtreekit/subtree-stream";
import { type AtomicFileSink, FileExistsError } from "@subtreekit/subtree-stream/bun";
import type { BlobType } from "./blob-types.ts";
import { type BlobWriteOptions, FileBlobStore } from "./file-blob-store.ts";

const dir = mkdtempSync(join(tmpdir(), "stores-faults-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hashOf = (s: string): Uint8Array => sha256d(new TextEncoder().encode(s));
const tempsIn = (d: string): string[] => (existsSync(d) ? readdirSync(d).filter((n) => n.endsWith(".tmp")) : []);

describe("blob store faults", () => {
  test("a temp file left by a SIGKILLed writer is invisible to readers and swept at start", async () => {
    const root = join(dir, "killed");
    const hash = hashOf("killed");
    const child = Bun.spawn(["bun", join(import.meta.dir, "testdata", "killed-writer.ts"), root, toDisplayHex(hash)], {
      stdout: "pipe",
      stderr: "inherit",
    });
    const reader = child.stdout.getReader();
    const { value } = await reader.read();
    const { tempPath } = JSON.parse(new TextDecoder().decode(value)) as { tempPath: string };
    child.kill("SIGKILL");
    await child.exited;
    expect(child.signalCode).toBe("SIGKILL");
    expect(existsSync(tempPath)).toBe(true);

    const store = new FileBlobStore(root, { fsync: "none" });
    expect(await store.exists(hash, "subtreeData")).toBe(false);
    expect(await store.get(hash, "subtreeData")).toBeUndefined();
    expect(await store.getStream(hash, "subtreeData")).toBeUndefined();
    expect(await store.sweepTempFiles()).toBe(1);
    expect(existsSync(tempPath)).toBe(false);
    // The key is free again: a new build publishes normally.
    await store.put(hash, "subtreeData", new Uint8Array([1, 2, 3]));
    expect(await store.get(hash, "subtreeData")).toEqual(new Uint8Array([1, 2, 3]));
  });

  test("sweepTempFiles with olderThanMs spares a live writer's temp file", async () => {
    const store = new FileBlobStore(join(dir, "shared"), { fsync: "none" });
    const w = await store.createWriter(hashOf("live"), "subtreeData");
    await w.write(new Uint8Array(10));
    expect(await store.sweepTempFiles({ olderThanMs: 60_000 })).toBe(0);
    await w.commit();
    expect(await store.exists(hashOf("live"), "subtreeData")).toBe(true);
  });

  test("disk full (fake sink whose write throws ENOSPC): put rejects and leaves no final or temp file", async () => {
    // Failure injection only: the real sink, with `write` failing the way a full disk does.
    class DiskFullStore extends FileBlobStore {
      override async createWriter(h: Uint8Array, t: BlobType, o?: BlobWriteOptions): Promise<AtomicFileSink> {
        const sink = await super.createWriter(h, t, o);
        sink.write = () => {
          throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
        };
        return sink;
      }
    }
    const store = new DiskFullStore(join(dir, "full"), { fsync: "none" });
    const hash = hashOf("full");
    await expect(store.put(hash, "subtreeData", new Uint8Array(1000))).rejects.toMatchObject({ code: "ENOSPC" });
    expect(await store.exists(hash, "subtreeData")).toBe(false);
    expect(existsSync(store.path(hash, "subtreeData"))).toBe(false);
    expect(tempsIn(dirname(store.path(hash, "subtreeData")))).toEqual([]);
  });

  test("concurrent createWriter for one key: exactly one publishes, the others get FileExistsError", async () => {
    const store = new FileBlobStore(join(dir, "race"), { fsync: "none" });
    const hash = hashOf("race");
    const attempt = async (i: number) => {
      const w = await store.createWriter(hash, "subtreeData");
      try {
        await w.write(new Uint8Array(50_000).fill(i));
        await Bun.sleep(Math.random() * 5);
        await w.commit();
        return i;
      } catch (err) {
        await w.abort(err);
        throw err;
      }
    };
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => attempt(i + 1)));
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won.length).toBe(1);
    expect(lost.length).toBe(7);
    for (const l of lost) expect(l.reason).toBeInstanceOf(FileExistsError);
    const winner = (won[0] as PromiseFulfilledResult<number>).value;
    expect(await store.get(hash, "subtreeData")).toEqual(new Uint8Array(50_000).fill(winner));
    expect(tempsIn(dirname(store.path(hash, "subtreeData")))).toEqual([]);
  });
});
