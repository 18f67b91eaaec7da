import { describe, expect, test } from "bun:test";
import { parseModelBlock } from "../block/model-block.ts";
import { toHex } from "../hash.ts";
import { parseSubtreeNodes } from "../subtree/nodes.ts";
import { collect, facts, streamOf, VEC, vec } from "../testdata/helpers.ts";
import { txFee } from "../tx/fee.ts";
import { parseTx, type Tx } from "../tx/tx.ts";
import { readVarint } from "../varint.ts";
import { readSubtreeData } from "./index.ts";

/** Prev txids (hex, internal order) of a tx's inputs. */
function prevTxids(tx: Tx): string[] {
  const out: string[] = [];
  let p = tx.firstInput;
  for (let i = 0; i < tx.inputCount; i++) {
    out.push(toHex(tx.bytes.subarray(p, p + 32)));
    const len = readVarint(tx.bytes, p + 36);
    p += 36 + len.size + len.value + 4;
    if (tx.extended) {
      const lock = readVarint(tx.bytes, p + 8);
      p += 8 + lock.size + lock.value;
    }
  }
  return out;
}

/** Output satoshis of a tx. */
function outputSats(tx: Tx): number[] {
  let p = tx.outputsAt;
  const count = readVarint(tx.bytes, p);
  p += count.size;
  const view = new DataView(tx.bytes.buffer, tx.bytes.byteOffset, tx.bytes.length);
  const sats: number[] = [];
  for (let i = 0; i < count.value; i++) {
    sats.push(view.getUint32(p + 4, true) * 2 ** 32 + view.getUint32(p, true));
    const len = readVarint(tx.bytes, p + 8);
    p += 8 + len.size + len.value;
  }
  return sats;
}

describe.skipIf(!VEC)("block 171: fees, dependencies and levels from the streamed txs", () => {
  test("Σ fees = 0, 1023 inputs, 1021 spending in-block parents, level counts, coinbase output and BIP34 height", async () => {
    const f = facts().block171;
    const block = parseModelBlock(vec(f.block.file));
    const coinbase = parseTx(block.coinbaseTx);
    expect(outputSats(coinbase)).toEqual(f.block.coinbase_outputs_sats);
    const push = block.coinbaseTx[42] as number;
    let height = 0;
    for (let i = push - 1; i >= 0; i--) height = height * 256 + (block.coinbaseTx[43 + i] as number);
    expect(height).toBe(f.block.height);

    const txs: Tx[] = [];
    const ids: string[] = [];
    for (const s of f.subtrees) {
      const nodes = parseSubtreeNodes(vec(`171/${s.subtree}.subtree`));
      for (const t of await collect(readSubtreeData(streamOf(vec(`171/${s.subtree}.subtree_data`)), nodes))) {
        txs.push(parseTx(t.bytes));
        ids.push(toHex(t.txid));
      }
    }
    expect(txs.length).toBe(f.block.non_coinbase_txs);
    expect(txs.reduce((sum, t) => sum + (txFee(t) as number), 0)).toBe(f.block.total_fees_sats);
    const level = new Map<string, number>();
    let inputs = 0;
    let inBlock = 0;
    ids.forEach((id, i) => {
      let lv = 0;
      for (const prev of prevTxids(txs[i] as Tx)) {
        inputs++;
        const parent = level.get(prev);
        if (parent !== undefined) {
          inBlock++;
          lv = Math.max(lv, parent + 1);
        }
      }
      level.set(id, lv); // block order is topological, so parents are already placed
    });
    expect(inputs).toBe(f.block.inputs);
    expect(inBlock).toBe(f.block.inputs_spending_in_block_parents);
    const counts: Record<string, number> = {};
    for (const lv of level.values()) counts[lv] = (counts[lv] ?? 0) + 1;
    expect(counts).toEqual(f.block.dependency_level_counts);
  });
});
