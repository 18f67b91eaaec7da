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
