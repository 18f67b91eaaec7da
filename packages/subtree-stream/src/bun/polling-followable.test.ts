import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { appendFile, link, rename, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { followFile } from "./follow.ts";
import { FollowError } from "./follow-error.ts";
import { type PollingFollowableOptions, pollingFollowable } from "./polling-followable.ts";

const roots: string[] = [];
afterAll(() => {
  for (const d of roots) rmSync(d, { recursive: true, force: true });
});
const MAGIC = new TextEncoder().encode("SD-1.0  ");
const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const cat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "stk-poll-follow-"));
  roots.push(dir);
  return { finalPath: join(dir, "ab.subtreeData"), tempPath: join(dir, ".ab.subtreeData.p77.tmp") };
}

/** Another process's writer, as the follower sees it: appends to the temp file, then publishes. */
function fakeWriter(f: { tempPath: string; finalPath: string }) {
  return {
    append: (b: Uint8Array) => appendFile(f.tempPath, b),
    publish: async (how: "link" | "rename") => {
      if (how === "rename") return rename(f.tempPath, f.finalPath);
      await link(f.tempPath, f.finalPath);
      await unlink(f.tempPath);
    },
    abandon: () => unlink(f.tempPath),
  };
}

function source(o: Partial<PollingFollowableOptions> & Pick<PollingFollowableOptions, "finalPath" | "tempPath">) {
  return pollingFollowable({ headerBytes: 8, idleTimeoutMs: 10_000, pollMs: 2, aliveCheckMs: 0, ...o });
}

const readAll = async (s: ReadableStream<Uint8Array>) => new Uint8Array(await new Response(s).arrayBuffer());
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );
/** Open descriptors of this process that point at `path` (Linux). */
const openFds = (path: string) =>
  readdirSync("/proc/self/fd").filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith(path);
    } catch {
      return false;
    }
  }).length;

describe("pollingFollowable + followFile", () => {
  for (const how of ["link", "rename"] as const) {
    test(`follows another writer's temp file as it grows, then the final file (${how}): exactly the body, clean end`, async () => {
      const f = setup();
      const src = source(f);
      const body = readAll(followFile(src)); // started before the temp file exists
      const w = fakeWriter(f);
      const parts = [bytes(100_000, 1), bytes(50_000, 2), bytes(70_001, 3)];
      await w.append(MAGIC);
      for (const p of parts) {
        await Bun.sleep(10);
        await w.append(p);
      }
      await Bun.sleep(10);
      await w.publish(how);
      expect(await body).toEqual(cat(...parts));
      expect(src.startedFrom).toBe("temp");
      expect(openFds(f.finalPath) + openFds(f.tempPath)).toBe(0);
    });
  }

  test("a temp file that never grows and whose writer is gone: WRITER_GONE before any byte", async () => {
    const f = setup();
    writeFileSync(f.tempPath, cat(MAGIC, bytes(5000, 4)));
    let alive = true;
    const src = source({ ...f, writerAlive: () => alive });
    const first = failure(followFile(src).getReader().read());
    await Bun.sleep(30);
    alive = false;
    const err = await first;
    expect(err).toBeInstanceOf(FollowError);
    expect(err).toMatchObject({ code: "WRITER_GONE", path: f.finalPath });
    expect(src.startedFrom).toBeUndefined();
  });

  test("a live writer that makes no progress: FOLLOW_TIMEOUT before any byte", async () => {
    const f = setup();
    writeFileSync(f.tempPath, cat(MAGIC, bytes(10, 5)));
    const err = await failure(
      followFile(source({ ...f, idleTimeoutMs: 50 }))
        .getReader()
        .read(),
    );
    expect(err).toBeInstanceOf(FollowError);
    expect(err).toMatchObject({ code: "FOLLOW_TIMEOUT" });
  });

  test("the final file is already there: it is read whole, and startedFrom says so", async () => {
    const f = setup();
    writeFileSync(f.finalPath, cat(MAGIC, bytes(100_000, 6)));
    const src = source({ ...f, writerAlive: () => false });
    expect(await readAll(followFile(src))).toEqual(bytes(100_000, 6));
    expect(src.startedFrom).toBe("final");
  });

  test("after bytes were read, the writer dying without publishing errors the stream, never a clean end", async () => {
    const f = setup();
    const w = fakeWriter(f);
    await w.append(MAGIC);
    let alive = true;
    const reader = followFile(source({ ...f, writerAlive: () => alive })).getReader();
    const first = reader.read();
    for (const seed of [7, 8]) {
      await Bun.sleep(20);
      await w.append(bytes(1000, seed));
    }
    expect((await first).value?.slice(0, 1000)).toEqual(bytes(1000, 7));
    await w.abandon();
    alive = false;
    let err: unknown;
    for (;;) {
      err = await failure(reader.read().then((r) => (r.done ? "clean end" : undefined)));
      if (err) break;
    }
    expect(err).toMatchObject({ name: "FollowError", code: "WRITER_GONE" });
    expect(openFds(f.tempPath)).toBe(0);
  });

  test("a short temp superseded by another writer's final file (another inode): the rest comes from the final file", async () => {
    const f = setup();
    const w = fakeWriter(f);
    const whole = bytes(200_000, 9);
    await w.append(MAGIC);
    const reader = followFile(source(f)).getReader();
    const first = reader.read();
    await Bun.sleep(10);
    await w.append(whole.subarray(0, 30_000));
    const got = [(await first).value as Uint8Array];
    // Another writer publishes the whole file; this one's temp is left short, then removed.
    await writeFile(f.finalPath, cat(MAGIC, whole));
    for (let r = await reader.read(); !r.done; r = await reader.read()) got.push(r.value);
    await w.abandon();
    expect(cat(...got)).toEqual(whole);
  });

  test("aborting the signal errors the stream with its reason and closes the file", async () => {
    const f = setup();
    const w = fakeWriter(f);
    await w.append(MAGIC);
    const stop = new AbortController();
    const reader = followFile(source({ ...f, signal: stop.signal }), { signal: stop.signal }).getReader();
    const first = reader.read();
    await Bun.sleep(10);
    await w.append(bytes(1000, 10));
    await first;
    expect(openFds(f.tempPath)).toBe(1);
    const reason = new Error("client left");
    const pending = failure(reader.read());
    stop.abort(reason);
    expect(await pending).toBe(reason);
    expect(openFds(f.tempPath)).toBe(0);
  });

  test("writerAlive, which may cost a query, is asked at most every aliveCheckMs", async () => {
    const f = setup();
    writeFileSync(f.tempPath, MAGIC);
    let calls = 0;
    const src = source({ ...f, pollMs: 1, aliveCheckMs: 50, idleTimeoutMs: 220, writerAlive: () => ++calls > 0 });
    expect(await failure(followFile(src).getReader().read())).toMatchObject({ code: "FOLLOW_TIMEOUT" });
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThanOrEqual(6);
  });
});
