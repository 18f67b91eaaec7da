import { expect, test } from "bun:test";
import { createProgress } from "./progress.ts";

/** A stand-in for process.stderr that records what is written. */
function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = {
    isTTY,
    columns: 100,
    write: (s: string) => {
      chunks.push(String(s));
      return true;
    },
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
    on: () => stream,
    removeListener: () => stream,
  };
  return { stream: stream as unknown as NodeJS.WriteStream, chunks };
}

test("a bar is drawn on a TTY and shows progress and the current label", () => {
  const { stream, chunks } = fakeStream(true);
  const p = createProgress(4, "inputs", stream);
  p.update(2, "e973….subtree");
  p.stop();
  const text = chunks.join("");
  expect(text).toContain("2/4 inputs");
  expect(text).toContain("e973….subtree");
});

test("nothing is written when the stream is not a TTY (pipes, --json, tests)", () => {
  const { stream, chunks } = fakeStream(false);
  const p = createProgress(4, "inputs", stream);
  p.update(3, "x");
  p.setTotal(5);
  p.stop();
  expect(chunks).toEqual([]);
});
