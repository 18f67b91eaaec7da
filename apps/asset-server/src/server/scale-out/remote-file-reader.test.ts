import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAtomicFileSink } from "@subtreekit/subtree-stream/bun";
import { RemoteFileReader, type RemoteFileReaderOptions } from "./remote-file-reader.ts";

const roots: string[] = [];
afterAll(() => {
  for (const d of roots) rmSync(d, { recursive: true, force: true });
});
const MAGIC = new TextEncoder().encode("SD-1.0  ");
const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "remote-follow-"));
  roots.push(dir);
  const finalPath = join(dir, "ab.subtreeData");
  const tempName = ".ab.subtreeData.p77.tmp";
  return { dir, finalPath, tempName, tempPath: join(dir, tempName) };
}

function reader(o: Partial<RemoteFileReaderOptions> & Pick<RemoteFileReaderOptions, "finalPath" | "tempPath">) {
  return new RemoteFileReader({ builderAlive: async () => true, timeoutMs: 10_000, pollMs: 2, aliveCheckMs: 0, ...o });
}

async function drain(r: RemoteFileReader): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let c = await r.next(); c !== null; c = await r.next()) parts.push(c.slice());
  return new Uint8Array(Buffer.concat(parts));
}

describe("RemoteFileReader", () => {
  test("follows a temp file written by another writer as it grows, then the final file: exactly the body, clean end", async () => {
    const f = setup();
    const sink = await createAtomicFileSink(f.finalPath, { header: MAGIC, tempName: f.tempName, fsync: "none" });
    const r = reader(f);
    const body = drain(r);
    const parts = [bytes(100_000, 1), bytes(50_000, 2), bytes(70_001, 3)];
    for (const p of parts) {
      await sink.write(p);
      await sink.flush();
      await Bun.sleep(10);
    }
    await sink.commit();
    expect(await body).toEqual(new Uint8Array(Buffer.concat(parts)));
    expect(r.started).toBe(true);
  });

  test("a temp file that does not grow and whose builder is gone: BUILDER_GONE before any byte", async () => {
    const f = setup();
    writeFileSync(f.tempPath, Buffer.concat([MAGIC, bytes(5000, 4)]));
    let alive = true;
    const r = reader({ ...f, builderAlive: async () => alive });
    const first = r.next().catch((e) => e);
    await Bun.sleep(30);
    alive = false;
    const err = await first;
    expect(err.name).toBe("ScaleOutError");
    expect(err.code).toBe("BUILDER_GONE");
    expect(r.started).toBe(false);
  });

  test("a live builder that makes no progress: FOLLOW_TIMEOUT before any byte", async () => {
    const f = setup();
    writeFileSync(f.tempPath, Buffer.concat([MAGIC, bytes(10, 5)]));
    const err = await reader({ ...f, timeoutMs: 50 })
      .next()
      .catch((e) => e);
    expect(err.code).toBe("FOLLOW_TIMEOUT");
  });

  test("the final file is already there: FILE_PUBLISHED, so the caller serves it as a file", async () => {
    const f = setup();
    writeFileSync(f.finalPath, Buffer.concat([MAGIC, bytes(10, 6)]));
    const err = await reader(f)
      .next()
      .catch((e) => e);
    expect(err.code).toBe("FILE_PUBLISHED");
  });

  test("after bytes were returned, the builder dying without publishing is an error, never a clean end", async () => {
    const f = setup();
    const sink = await createAtomicFileSink(f.finalPath, { header: MAGIC, tempName: f.tempName, fsync: "none" });
    let alive = true;
    const r = reader({ ...f, builderAlive: async () => alive });
    const first = r.next();
    // Two flushes apart: the reader sees the file grow, which is what lets it send a byte.
    for (const seed of [7, 8]) {
      await sink.write(bytes(1000, seed));
      await sink.flush();
      await Bun.sleep(20);
    }
    // Whether it saw the file before or after the first flush, it starts at the first body byte.
    expect((await first)?.slice(0, 1000)).toEqual(bytes(1000, 7));
    await sink.abort(new Error("replica killed"));
    alive = false;
    const err = await r.next().catch((e) => e);
    expect(err.code).toBe("BUILDER_GONE");
  });
});
