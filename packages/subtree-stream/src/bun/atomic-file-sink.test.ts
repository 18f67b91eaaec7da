import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { teeSink, writeSubtreeData } from "../write/index.ts";
import {
  type AtomicFileSink,
  createAtomicFileSink,
  FileExistsError,
  SinkAbortedError,
  SinkClosedError,
  sweepTempFiles,
} from "./index.ts";

const roots: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "stk-sink-"));
  roots.push(d);
  return d;
}
afterAll(() => {
  for (const d of roots) rmSync(d, { recursive: true, force: true });
});

const MAGIC = new TextEncoder().encode("SD-1.0  ");
/** Deterministic bytes, distinct per offset, so any reordering or loss shows. */
function pattern(n: number, seed = 1): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}
const concat = (a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> => {
  const o = new Uint8Array(a.length + b.length);
  o.set(a);
  o.set(b, a.length);
  return o;
};
async function writeAll(sink: AtomicFileSink, data: Uint8Array, step: number): Promise<void> {
  for (let i = 0; i < data.length; i += step) await sink.write(data.subarray(i, i + step));
}
const readAll = async (s: ReadableStream<Uint8Array>): Promise<Uint8Array<ArrayBuffer>> =>
  new Uint8Array(await new Response(s).arrayBuffer());
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe("createAtomicFileSink", () => {
  test("write + commit produces exactly header + bytes, and no temp file is left", async () => {
    const dir = tempDir();
    const final = join(dir, "a.subtreeData");
    const data = pattern(3 * 1024 * 1024 + 17);
    const sink = await createAtomicFileSink(final, { header: MAGIC, highWaterMark: 64 * 1024 });
    expect(sink.state).toBe("open");
    expect(existsSync(sink.tempPath)).toBe(true);
    expect(sink.tempPath.startsWith(join(dir, ".a.subtreeData."))).toBe(true);
    await writeAll(sink, data, 1000);
    expect(sink.bytesWritten).toBe(data.length);
    expect(existsSync(final)).toBe(false);
    await sink.commit();
    await sink.commit(); // idempotent
    expect(sink.state).toBe("committed");
    expect(new Uint8Array(readFileSync(final))).toEqual(concat(MAGIC, data));
    expect(readdirSync(dir)).toEqual(["a.subtreeData"]);
    expect(() => sink.write(new Uint8Array(1))).toThrow(SinkClosedError);
  });

  for (const fsync of ["full", "data", "none"] as const) {
    test(`fsync "${fsync}" commits the same bytes`, async () => {
      const final = join(tempDir(), "f");
      const sink = await createAtomicFileSink(final, { fsync });
      await sink.write(pattern(100));
      await sink.commit();
      expect(new Uint8Array(readFileSync(final))).toEqual(pattern(100));
    });
  }

  test("abort removes the temp file, is idempotent, and commit after abort rejects", async () => {
    const dir = tempDir();
    const final = join(dir, "b");
    const sink = await createAtomicFileSink(final, { header: MAGIC });
    await writeAll(sink, pattern(200_000), 4096);
    await sink.flush();
    expect(existsSync(sink.tempPath)).toBe(true);
    await sink.abort(new Error("client gone"));
    await sink.abort();
    expect(sink.state).toBe("aborted");
    expect(readdirSync(dir)).toEqual([]);
    await expect(sink.commit()).rejects.toBeInstanceOf(SinkAbortedError);
    expect(() => sink.write(new Uint8Array(1))).toThrow(SinkAbortedError);
    expect(existsSync(final)).toBe(false);
  });

  test("the signal option aborts the sink", async () => {
    const dir = tempDir();
    const ac = new AbortController();
    const sink = await createAtomicFileSink(join(dir, "s"), { signal: ac.signal });
    await sink.write(pattern(10));
    ac.abort(new Error("shutdown"));
    await sleep(5);
    expect(sink.state).toBe("aborted");
    expect(readdirSync(dir)).toEqual([]);
  });

  test("final path exists at open: FileExistsError (code FILE_EXISTS), no temp created", async () => {
    const dir = tempDir();
    const final = join(dir, "c");
    writeFileSync(final, "existing");
    const err = await createAtomicFileSink(final).catch((e) => e);
    expect(err).toBeInstanceOf(FileExistsError);
    expect(err.code).toBe("FILE_EXISTS");
    expect(err.path).toBe(final);
    expect(readdirSync(dir)).toEqual(["c"]);
  });

  test("two sinks for the same final path: exactly one publishes, the other gets FileExistsError and leaves no temp once aborted", async () => {
    const dir = tempDir();
    const final = join(dir, "d");
    const one = await createAtomicFileSink(final);
    const two = await createAtomicFileSink(final);
    expect(one.tempPath).not.toBe(two.tempPath);
    await one.write(pattern(1000, 1));
    await two.write(pattern(1000, 2));
    const results = await Promise.allSettled([one.commit(), two.commit()]);
    expect(results.filter((r) => r.status === "fulfilled").length).toBe(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(FileExistsError);
    const winner = results[0]?.status === "fulfilled" ? 1 : 2;
    const loser = winner === 1 ? two : one;
    expect(loser.state).toBe("superseded");
    // The published file is the winner's, intact: the loser never replaced it.
    expect(new Uint8Array(readFileSync(final))).toEqual(pattern(1000, winner));
    await loser.abort();
    expect(readdirSync(dir)).toEqual(["d"]);
  });

  test("tempName: the temp file has that name (another process can find it), is O_EXCL, and is swept", async () => {
    const dir = tempDir();
    const final = join(dir, "g.subtreeData");
    const sink = await createAtomicFileSink(final, { header: MAGIC, tempName: ".g.subtreeData.p42.tmp" });
    expect(sink.tempPath).toBe(join(dir, ".g.subtreeData.p42.tmp"));
    await sink.write(pattern(100));
    await sink.flush();
    // What a reader that only knows the name sees while the write is in progress.
    expect(new Uint8Array(readFileSync(join(dir, ".g.subtreeData.p42.tmp")))).toEqual(concat(MAGIC, pattern(100)));
    const clash = await createAtomicFileSink(join(dir, "h"), { tempName: ".g.subtreeData.p42.tmp" }).catch((e) => e);
    expect(clash.code).toBe("EEXIST");
    await sink.commit();
    expect(new Uint8Array(readFileSync(final))).toEqual(concat(MAGIC, pattern(100)));
    expect(readdirSync(dir)).toEqual(["g.subtreeData"]);
    const left = await createAtomicFileSink(join(dir, "i"), { tempName: ".i.p7.tmp" });
    expect(await sweepTempFiles(dir)).toBe(1);
    await left.abort();
    for (const bad of ["x.tmp", "../.i.p7.tmp", ".i.p7"]) {
      await expect(createAtomicFileSink(join(dir, "i"), { tempName: bad })).rejects.toBeInstanceOf(TypeError);
    }
  });

  test("a file published by someone else after open is not replaced; followers still get every byte, cleanly", async () => {
    const dir = tempDir();
    const final = join(dir, "e");
    const sink = await createAtomicFileSink(final);
    await sink.write(pattern(10));
    writeFileSync(final, "theirs");
    // One follower reads as the bytes come, one joins only after the commit lost the race.
    const early = readAll(sink.follow());
    const err = await sink.commit().catch((e) => e);
    expect(err).toBeInstanceOf(FileExistsError);
    expect(sink.state).toBe("superseded");
    const late = readAll(sink.follow());
    expect(await early).toEqual(pattern(10));
    expect(await late).toEqual(pattern(10));
    await sink.abort(new Error("readers done"));
    expect(readFileSync(final, "utf8")).toBe("theirs");
    expect(readdirSync(dir)).toEqual(["e"]);
    expect(sink.state).toBe("superseded");
  });

  test("crash: a child bun killed with SIGKILL mid-write leaves no final file, and sweepTempFiles removes its temp", async () => {
    const dir = tempDir();
    const final = join(dir, "crash.subtreeData");
    const child = Bun.spawn(["bun", join(import.meta.dir, "testdata", "crash-writer.ts"), final], {
      stdout: "pipe",
      stderr: "inherit",
    });
    const reader = child.stdout.getReader();
    let out = "";
    while (!out.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      out += new TextDecoder().decode(value);
    }
    const tempPath = out.trim();
    expect(tempPath.startsWith(join(dir, ".crash.subtreeData."))).toBe(true);
    expect(existsSync(tempPath)).toBe(true);
    child.kill("SIGKILL");
    expect(await child.exited).not.toBe(0);
    expect(child.signalCode).toBe("SIGKILL");
    expect(existsSync(final)).toBe(false);
    expect(readdirSync(dir)).toEqual([tempPath.slice(dir.length + 1)]);
    // A young temp survives an age-limited sweep (it might be another replica's live build) ...
    expect(await sweepTempFiles(dir, { olderThanMs: 60_000 })).toBe(0);
    // ... and a start-up sweep removes it.
    expect(await sweepTempFiles(dir)).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  }, 15_000);

  test("sweepTempFiles leaves other files and a missing directory alone", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "x.subtreeData"), "keep");
    writeFileSync(join(dir, "notes.tmp"), "keep: not hidden");
    writeFileSync(join(dir, ".x.subtreeData.abc123.tmp"), "remove");
    expect(await sweepTempFiles(dir)).toBe(1);
    expect(readdirSync(dir).sort()).toEqual(["notes.tmp", "x.subtreeData"]);
    expect(await sweepTempFiles(join(dir, "missing"))).toBe(0);
  });

  test("disk-full simulation (fake sink wrapper whose write throws): the writer fails and leaves no final file", async () => {
    const dir = tempDir();
    const final = join(dir, "full.subtreeData");
    const file = await createAtomicFileSink(final, { header: MAGIC, highWaterMark: 1024 });
    let budget = 5000;
    const diskFull = {
      write(bytes: Uint8Array) {
        budget -= bytes.length;
        if (budget < 0) throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
        return file.write(bytes);
      },
    };
    const follower = readAll(file.follow()).catch((e) => e);
    const hashes = Array.from({ length: 1000 }, (_, i) => new Uint8Array(32).fill(i % 200));
    const source = { getTxs: async (hs: readonly Uint8Array[]) => hs.map(() => pattern(100)) };
    const http: Uint8Array[] = [];
    const err = await writeSubtreeData({
      nodes: [hashes],
      source,
      sink: teeSink(diskFull, { write: (b) => void http.push(b) }),
      chunkSize: 100,
    })
      .then(() => file.commit())
      .catch(async (e) => {
        await file.abort(e);
        return e;
      });
    expect(err.code).toBe("ENOSPC");
    expect(http.length).toBe(50); // lockstep: the client never got bytes the file refused
    expect(existsSync(final)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
    expect(await follower).toBeInstanceOf(SinkAbortedError);
  });
});

describe("AtomicFileSink.follow", () => {
  test("followers started before the first write, during, and after commit all see exactly the committed body", async () => {
    const dir = tempDir();
    const final = join(dir, "g");
    const data = pattern(2 * 1024 * 1024 + 5);
    const sink = await createAtomicFileSink(final, { header: MAGIC, highWaterMark: 32 * 1024 });
    const before = readAll(sink.follow());
    const withHeader = readAll(sink.follow({ skipHeader: false }));
    await writeAll(sink, data.subarray(0, 1_000_000), 777);
    const during = readAll(sink.follow());
    await writeAll(sink, data.subarray(1_000_000), 777);
    await sink.commit();
    const after = readAll(sink.follow());
    expect(await before).toEqual(data);
    expect(await during).toEqual(data);
    expect(await after).toEqual(data);
    expect(await withHeader).toEqual(concat(MAGIC, data));
  });

  test("many followers at once, reading at different paces, all get every byte", async () => {
    const final = join(tempDir(), "h");
    const data = pattern(600_000, 9);
    const sink = await createAtomicFileSink(final, { highWaterMark: 8192 });
    const followers = Array.from({ length: 8 }, async (_, k) => {
      const reader = sink.follow({ readSize: 1000 + k * 3000 }).getReader();
      let got = new Uint8Array(0);
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return got;
        got = concat(got, value);
        if (k % 2 === 0) await sleep(0);
      }
    });
    await writeAll(sink, data, 3000);
    await sink.commit();
    for (const f of followers) expect(await f).toEqual(data);
  });

  test("a follower waits for more bytes without busy-looping (pulls bounded by writes)", async () => {
    const sink = await createAtomicFileSink(join(tempDir(), "i"), { highWaterMark: 1 });
    const reader = sink.follow().getReader();
    let reads = 0;
    const pending = (async () => {
      for (;;) {
        const { done } = await reader.read();
        if (done) return;
        reads++;
      }
    })();
    for (let i = 0; i < 5; i++) {
      await sink.write(pattern(10, i + 1));
      await sleep(10);
    }
    // Nothing new was written for 10 ms at a time: a poller would have read empty chunks.
    expect(reads).toBe(5);
    await sink.commit();
    await pending;
    expect(reads).toBe(5);
  });

  test("a waiting follower gets bytes after 64 KiB, long before the 1 MiB high-water mark", async () => {
    const sink = await createAtomicFileSink(join(tempDir(), "l"));
    const reader = sink.follow().getReader();
    const first = reader.read();
    await sleep(5); // the follower is now waiting on the sink
    for (let i = 0; i < 70; i++) await sink.write(pattern(1024, i + 1));
    const { value } = await first;
    expect(value?.length).toBeGreaterThanOrEqual(64 * 1024);
    expect(value?.length).toBeLessThan(1024 * 1024);
    expect(sink.state).toBe("open");
    await reader.cancel();
    await sink.abort();
  });

  test("a follower of an aborted sink errors with SinkAbortedError (cause = reason)", async () => {
    const sink = await createAtomicFileSink(join(tempDir(), "j"), { highWaterMark: 100 });
    // Caught at once: it rejects before the test awaits it.
    const follower = readAll(sink.follow()).catch((e) => e);
    await sink.write(pattern(1000));
    const reason = new Error("store down");
    await sink.abort(reason);
    const err = await follower;
    expect(err).toBeInstanceOf(SinkAbortedError);
    expect(err.cause).toBe(reason);
    // A follower that starts after the abort errors too.
    expect(await readAll(sink.follow()).catch((e) => e)).toBeInstanceOf(SinkAbortedError);
  });

  test("a follower's own signal ends only that follower", async () => {
    const sink = await createAtomicFileSink(join(tempDir(), "k"));
    const ac = new AbortController();
    const stopped = readAll(sink.follow({ signal: ac.signal })).catch((e) => e.message);
    const other = readAll(sink.follow());
    await sink.write(pattern(10));
    ac.abort(new Error("client left"));
    expect(await stopped).toBe("client left");
    await sink.commit();
    expect(await other).toEqual(pattern(10));
  });
});

describe("staged writes and cursors", () => {
  test("tiny, mid-sized and large writes, mixed, reach the file whole and in order", async () => {
    const final = join(tempDir(), "staged");
    const data = pattern(1_000_000, 7);
    const sink = await createAtomicFileSink(final, { header: MAGIC, highWaterMark: 256 * 1024 });
    // Pieces of 1 B to 200 KiB: some fit the 64 KiB stage, some overflow it, some bypass it.
    const sizes = [1, 250, 65_535, 65_536, 3, 200_000, 70_000, 2000, 65_000, 1_000];
    let at = 0;
    for (let i = 0; at < data.length; i++) {
      const n = Math.min(sizes[i % sizes.length]!, data.length - at);
      const r = sink.write(data.subarray(at, at + n));
      at += n;
      if (r) await r;
    }
    expect(sink.bytesWritten).toBe(data.length);
    await sink.commit();
    expect(new Uint8Array(readFileSync(final))).toEqual(concat(MAGIC, data));
  });

  test("a cursor reads the growing file chunk by chunk, sees staged bytes once flushed, ends after commit", async () => {
    const final = join(tempDir(), "cursor");
    const sink = await createAtomicFileSink(final, { header: MAGIC });
    const cursor = sink.cursor({ readSize: 1000 });
    sink.write(pattern(300, 1)); // staged, not yet in the file
    const first = cursor.next();
    await sink.flush();
    expect(await first).toEqual(pattern(300, 1));
    sink.write(pattern(2500, 2));
    await sink.commit();
    const rest: Uint8Array[] = [];
    for (let c = await cursor.next(); c !== null; c = await cursor.next()) rest.push(c);
    expect(rest.map((c) => c.length)).toEqual([1000, 1000, 500]);
    expect(Buffer.concat(rest)).toEqual(Buffer.from(pattern(2500, 2)));
    await cursor.close(); // idempotent after the end
  });

  test("a cursor of an aborted sink rejects with SinkAbortedError, and so does one opened after", async () => {
    const sink = await createAtomicFileSink(join(tempDir(), "cursor-abort"));
    const cursor = sink.cursor();
    const waiting = cursor.next().catch((e) => e);
    await sink.abort(new Error("gone"));
    expect(await waiting).toBeInstanceOf(SinkAbortedError);
    expect(
      await sink
        .cursor()
        .next()
        .catch((e) => e),
    ).toBeInstanceOf(SinkAbortedError);
  });
});
