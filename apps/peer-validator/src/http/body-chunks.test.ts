import { expect, test } from "bun:test";
import { PeerError } from "../errors/peer-error.ts";
import { bodyChunks } from "./body-chunks.ts";

const where = { peer: "http://peer/api/v1", url: "http://peer/api/v1/subtree_data/x" };

/** A body that yields `chunks`, waiting `gapMs` before each one; records whether it was cancelled. */
function gappedBody(chunks: number, gapMs: number) {
  const state = { cancelled: false, sent: 0 };
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(c) {
        if (state.sent === chunks) return c.close();
        await Bun.sleep(gapMs);
        state.sent++;
        c.enqueue(new Uint8Array(8));
      },
      cancel() {
        state.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { body, state };
}

test("a body that pauses longer than the stall timeout ends in STALLED naming the URL, and is cancelled", async () => {
  const { body, state } = gappedBody(3, 300);
  const o = { ...where, signal: new AbortController().signal, deadline: performance.now() + 60_000, stallMs: 50 };
  const err = await (async () => {
    for await (const _ of bodyChunks(body, o));
  })().catch((e) => e);
  expect(err).toBeInstanceOf(PeerError);
  expect(err.code).toBe("STALLED");
  expect(err.peer).toBe(where.peer);
  expect(err.message).toBe(`${where.url}: no body byte for http_stall_timeout (50 ms)`);
  expect(state.cancelled).toBe(true);
});

test("time the reader spends between reads is not a stall: only waiting on the peer counts", async () => {
  const { body } = gappedBody(4, 5);
  const o = { ...where, signal: new AbortController().signal, deadline: performance.now() + 60_000, stallMs: 100 };
  let n = 0;
  for await (const _ of bodyChunks(body, o)) {
    n++;
    await Bun.sleep(250); // e.g. a slow disk under the sink
  }
  expect(n).toBe(4);
});

test("http_stall_timeout=0 turns the stall timer off", async () => {
  const { body } = gappedBody(2, 60);
  const o = { ...where, signal: new AbortController().signal, deadline: performance.now() + 60_000, stallMs: 0 };
  let n = 0;
  for await (const _ of bodyChunks(body, o)) n++;
  expect(n).toBe(2);
});

test("chunks already read are not kept: memory stays bounded by what the caller holds, not by the body", async () => {
  const refs: WeakRef<Uint8Array>[] = [];
  let sent = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        if (sent === 40) return c.close();
        const chunk = new Uint8Array(64 * 1024);
        refs.push(new WeakRef(chunk));
        sent++;
        c.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  const o = { ...where, signal: new AbortController().signal, deadline: performance.now() + 60_000, stallMs: 10_000 };
  let read = 0;
  let alive = -1;
  for await (const _ of bodyChunks(body, o)) {
    if (++read !== 30) continue;
    // Mid-body: every chunk before this one is garbage unless the reader still reaches it.
    await Bun.sleep(0); // a WeakRef's target lives until the end of the job that made it
    Bun.gc(true);
    alive = refs.slice(0, 28).filter((r) => r.deref() !== undefined).length;
  }
  expect(read).toBe(40);
  expect(alive).toBeLessThanOrEqual(2);
});

test("a body that keeps dripping past the attempt's deadline ends in TIMEOUT, though no read stalled", async () => {
  const { body, state } = gappedBody(20, 30);
  const o = { ...where, signal: new AbortController().signal, deadline: performance.now() + 150, stallMs: 1000 };
  const err = await (async () => {
    for await (const _ of bodyChunks(body, o));
  })().catch((e) => e);
  expect(err).toBeInstanceOf(PeerError);
  expect(err.code).toBe("TIMEOUT");
  expect(state.sent).toBeLessThan(20);
  expect(state.cancelled).toBe(true);
});

test("an abort mid-read rejects with the signal's reason at once and cancels the body", async () => {
  const { body, state } = gappedBody(3, 5_000);
  const ac = new AbortController();
  const o = { ...where, signal: ac.signal, deadline: performance.now() + 60_000, stallMs: 10_000 };
  setTimeout(() => ac.abort(new Error("run cancelled")), 50);
  const t0 = performance.now();
  const err = await (async () => {
    for await (const _ of bodyChunks(body, o));
  })().catch((e) => e);
  expect((err as Error).message).toBe("run cancelled");
  expect(performance.now() - t0).toBeLessThan(4_000);
  expect(state.cancelled).toBe(true);
});

test("readAll fills one buffer when the size is announced, and still joins a body that brings more or less", async () => {
  const { readAll } = await import("./body-chunks.ts");
  const o = { ...where, signal: new AbortController().signal, deadline: performance.now() + 60_000, stallMs: 0 };
  const bodyOf = (sizes: number[]) =>
    new ReadableStream<Uint8Array>({
      start(c) {
        let v = 0;
        for (const n of sizes) c.enqueue(Uint8Array.from({ length: n }, () => v++ & 0xff));
        c.close();
      },
    });
  const expected = (n: number) => Uint8Array.from({ length: n }, (_, i) => i & 0xff);
  const tooLarge = (n: number) => new Error(`too large at ${n}`);
  for (const [sizes, hint] of [
    [[100, 200, 50], 350],
    [[100, 200, 50], 300],
    [[100, 200, 50], 1000],
    [[100, 200, 50], undefined],
  ] as const) {
    const got = await readAll(bodyOf([...sizes]), { ...o, maxBytes: 1000, onTooLarge: tooLarge, sizeHint: hint });
    expect(got).toEqual(expected(350));
  }
  const err = await readAll(bodyOf([600, 600]), { ...o, maxBytes: 1000, onTooLarge: tooLarge, sizeHint: 1200 }).catch(
    (e) => e,
  );
  expect((err as Error).message).toBe("too large at 1200");
});
