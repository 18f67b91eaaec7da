import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseModelBlock, parseTx } from "@subtreekit/subtree-stream";
import { requireVectors } from "@subtreekit/testkit";
import { makeCoinbase } from "../seed/coinbase.ts";
import { Prng } from "../seed/prng.ts";
import { bip34Height } from "./bip34.ts";

test("heights written by the seed coinbase read back, across every script-number width and sign byte", () => {
  for (const h of [1, 16, 17, 127, 128, 255, 256, 32_767, 32_768, 65_535, 8_388_608, 905_904, 2 ** 31 - 1]) {
    expect(bip34Height(makeCoinbase(h, new Prng(h)))).toBe(h);
  }
});

test("OP_1..OP_16 heights and a coinbase without a height push", () => {
  const cb = makeCoinbase(1, new Prng(0));
  const at = parseTx(cb).firstInput + 36; // script length byte
  const small = cb.slice();
  small[at + 1] = 0x55; // OP_5 where the push length was
  expect(bip34Height(small)).toBe(5);
  const none = cb.slice();
  none[at + 1] = 0x6a; // OP_RETURN: not a height push
  expect(bip34Height(none)).toBeUndefined();
});

const V = requireVectors("BIP34 heights of real coinbases");
test.skipIf(!V)("real coinbases: block 171 and the two mainnet model blocks", () => {
  const cases: [string, number][] = [
    ["171/0000000023ffe4075b18e77ce7342b90a7deeb92e4b3681551253291c3522824.block", 171],
    ["model/00000000000000000a61d5ca638906e74376e36e7a080b58a513629496a41cc4.block", 905904],
    ["model/000000000000000013fe95f5780829671cf1b5e62d5fb3fa9672403fdb0d1786.block", 905925],
  ];
  for (const [file, height] of cases) {
    const block = parseModelBlock(new Uint8Array(readFileSync(join(V as string, file))));
    expect(bip34Height(block.coinbaseTx)).toBe(height);
  }
});
