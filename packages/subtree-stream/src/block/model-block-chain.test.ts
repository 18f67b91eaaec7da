import { describe, expect, test } from "bun:test";
import { MalformedDataError } from "../errors/malformed-data-error.ts";
import { SubtreeStreamError } from "../errors.ts";
import { bytesEqual, toDisplayHex } from "../hash.ts";
import { facts, VEC, vec } from "../testdata/helpers.ts";
import { blockHash, type ModelBlock, parseModelBlock, parseModelBlockChain, serializeModelBlock } from "./index.ts";

/** Three blocks chained on block 171's body: each one's prevHash is the hash of the one before. */
function chainOf(base: ModelBlock, bumps: (Uint8Array | undefined)[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let prev = base.header.prevHash;
  bumps.forEach((bump, i) => {
    const b: ModelBlock = { ...base, header: { ...base.header, prevHash: prev, nonce: i }, height: base.height + i };
    if (bump) b.coinbaseBump = bump;
    else delete b.coinbaseBump;
    const bytes = serializeModelBlock(b);
    out.push(bytes);
    prev = blockHash(bytes);
  });
  return out;
}

const concat = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

describe.skipIf(!VEC)("parseModelBlockChain (a /blocks body, newest first)", () => {
  const base = () => parseModelBlock(vec(facts().block171.block.file));

  test("splits blocks with and without a coinbase BUMP back into each block's exact bytes", () => {
    const chain = chainOf(base(), [undefined, Uint8Array.of(9, 8, 7), undefined, Uint8Array.of(1)]);
    const newestFirst = [...chain].reverse();
    const parsed = parseModelBlockChain(concat(newestFirst));
    expect(parsed).toHaveLength(4);
    parsed.forEach((p, i) => {
      expect(bytesEqual(p.bytes, newestFirst[i]!)).toBe(true);
      expect(toDisplayHex(p.hash)).toBe(toDisplayHex(blockHash(newestFirst[i]!)));
    });
    expect(Array.from(parsed[0]!.block.coinbaseBump ?? [])).toEqual([1]);
    expect(parsed[1]!.block.coinbaseBump).toBeUndefined();
    expect(Array.from(parsed[2]!.block.coinbaseBump ?? [])).toEqual([9, 8, 7]);
    expect(parsed.map((p) => p.block.height)).toEqual([3, 2, 1, 0].map((i) => base().height + i));
  });

  test("an empty body is no blocks; one block alone may end in its BUMP", () => {
    expect(parseModelBlockChain(new Uint8Array(0))).toEqual([]);
    const [one] = chainOf(base(), [Uint8Array.of(5, 5)]);
    expect(parseModelBlockChain(one!)[0]!.block.coinbaseBump).toEqual(Uint8Array.of(5, 5));
  });

  test("blocks that are not each other's parent, or a cut body, are a typed parse error (at an offset)", () => {
    const chain = chainOf(base(), [undefined, undefined]);
    // oldest first: the second block is not the first one's parent
    const err = (() => {
      try {
        parseModelBlockChain(concat(chain));
      } catch (e) {
        return e;
      }
    })() as MalformedDataError;
    expect(err).toBeInstanceOf(MalformedDataError);
    expect(err.offset).toBe(chain[0]!.length);
    const newest = concat([...chain].reverse());
    expect(() => parseModelBlockChain(newest.subarray(0, newest.length - 3))).toThrow(SubtreeStreamError);
  });
});
