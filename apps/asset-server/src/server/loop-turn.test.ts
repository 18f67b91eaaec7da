import { expect, test } from "bun:test";
import { LoopTurn } from "./loop-turn.ts";

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

test("one number within a turn, a new one in the next, even after idle turns", async () => {
  const turn = new LoopTurn();
  const first = turn.current();
  await Promise.resolve(); // a microtask is still the same turn
  expect(turn.current()).toBe(first);
  await nextTurn();
  const second = turn.current();
  expect(second).not.toBe(first);
  await nextTurn();
  await nextTurn();
  // Nobody asked in the idle turns; the next ask still sees a number no earlier turn handed out.
  const third = turn.current();
  expect([first, second]).not.toContain(third);
});

test("sequential requests on one keep-alive connection never share a turn (real Bun.serve)", async () => {
  const turn = new LoopTurn();
  const seen: number[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: () => {
      seen.push(turn.current());
      return new Response("x");
    },
  });
  try {
    // Each request is sent after the previous answer arrived: it must meet a fresh check.
    for (let i = 0; i < 200; i++) await (await fetch(`http://127.0.0.1:${server.port}/`)).text();
    expect(new Set(seen).size).toBe(200);
  } finally {
    server.stop(true);
  }
});
