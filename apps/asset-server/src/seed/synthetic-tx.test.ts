import { describe, expect, test } from "bun:test";
import { Prng } from "./prng.ts";
import { SyntheticTxFactory } from "./synthetic-tx.ts";

describe("SyntheticTxFactory.fork", () => {
  test("makes the txs the original makes next, without moving the original", () => {
    const factory = new SyntheticTxFactory(new Prng(5), 300);
    factory.next();
    const fork = factory.fork();
    const fromFork = [fork.next(), fork.next(), fork.next()];
    expect([factory.next(), factory.next(), factory.next()]).toEqual(fromFork);
    expect(fork.size).toBe(factory.size);
  });
});
