import { describe, expect, test } from "bun:test";
import { teeSink } from "./index.ts";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe("teeSink", () => {
  test("writes to a, and only once a accepted, to b; settles after both", async () => {
    const log: string[] = [];
    const a = {
      async write(b: Uint8Array) {
        log.push(`a start ${b[0]}`);
        await sleep(5);
        log.push(`a end ${b[0]}`);
      },
    };
    const b = {
      async write(x: Uint8Array) {
        log.push(`b start ${x[0]}`);
        await sleep(1);
        log.push(`b end ${x[0]}`);
      },
    };
    const t = teeSink(a, b);
    await t.write(new Uint8Array([1]));
    log.push("returned 1");
    await t.write(new Uint8Array([2]));
    expect(log).toEqual([
      "a start 1",
      "a end 1",
      "b start 1",
      "b end 1",
      "returned 1",
      "a start 2",
      "a end 2",
      "b start 2",
      "b end 2",
    ]);
  });

  test("an error in a fails the write and b never sees the bytes", async () => {
    const seen: number[] = [];
    const t = teeSink(
      {
        async write() {
          throw new Error("file failed");
        },
      },
      { write: (x) => void seen.push(x[0] as number) },
    );
    await expect(Promise.resolve(t.write(new Uint8Array([7])))).rejects.toThrow("file failed");
    expect(seen).toEqual([]);
  });

  test("an error in b fails the write (sync and async)", async () => {
    const t = teeSink(
      { write() {} },
      {
        write() {
          throw new Error("client gone");
        },
      },
    );
    expect(() => t.write(new Uint8Array(1))).toThrow("client gone");
    const t2 = teeSink({ write: async () => {} }, { write: async () => Promise.reject(new Error("late")) });
    await expect(t2.write(new Uint8Array(1)) as Promise<void>).rejects.toThrow("late");
  });

  test("stays synchronous when both sides are", () => {
    const t = teeSink({ write() {} }, { write() {} });
    expect(t.write(new Uint8Array(1))).toBeUndefined();
  });
});
