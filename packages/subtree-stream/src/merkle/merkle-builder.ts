import { assertHash, HASH_BYTES } from "../hash.ts";
import { hashPairInto } from "./hash-pair.ts";

/**
 * Incremental merkle root with the go-subtree rule (pad with zero hashes to a power of two;
 * (x, 0) → H(x‖x); one leaf → itself), which equals Bitcoin's "duplicate the last" rule. Keeps
 * one pending hash per level, so a 1M-leaf root needs ~20 × 32 bytes, not the leaves.
 *
 * @example
 * const b = new MerkleBuilder();
 * for await (const chunk of readSubtreeNodes(body)) for (const n of chunk) b.push(n);
 * const root = b.root();
 */
export class MerkleBuilder {
  // levels[h] holds the pending left node of height h when bit h of `count` is set.
  private readonly levels: Uint8Array[] = [];
  private count = 0;
  private readonly carry = new Uint8Array(HASH_BYTES);

  /** Leaves pushed so far. */
  get length(): number {
    return this.count;
  }

  /** Adds the next leaf (32 bytes, copied). */
  push(leaf: Uint8Array): void {
    assertHash(leaf, "merkle leaf");
    let n = this.count++;
    if (!(n & 1)) {
      this.slot(0).set(leaf);
      return;
    }
    // Each set low bit of the old count is a complete left sibling: combine and carry upwards.
    const carry = hashPairInto(this.levels[0] as Uint8Array, leaf, this.carry);
    let h = 1;
    n >>>= 1;
    while (n & 1) {
      hashPairInto(this.levels[h] as Uint8Array, carry, carry);
      n >>>= 1;
      h++;
    }
    this.slot(h).set(carry);
  }

  /** Root of the leaves pushed so far (the builder stays usable). Throws when empty. */
  root(): Uint8Array {
    const count = this.count;
    if (count === 0) throw new RangeError("merkle root of zero leaves");
    let h = 0;
    while (!(Math.floor(count / 2 ** h) & 1)) h++;
    const acc = new Uint8Array(HASH_BYTES);
    acc.set(this.levels[h] as Uint8Array);
    // Walk up the right edge: a right child joins its complete left sibling, a left child has only
    // zero padding to its right and is duplicated — the go-subtree (x, 0) → H(x‖x) rule.
    for (let size = 2 ** h; size < count; size *= 2, h++) {
      if (Math.floor((count - 1) / size) & 1) hashPairInto(this.levels[h] as Uint8Array, acc, acc);
      else hashPairInto(acc, acc, acc);
    }
    return acc;
  }

  private slot(h: number): Uint8Array {
    let s = this.levels[h];
    if (!s) this.levels[h] = s = new Uint8Array(HASH_BYTES);
    return s;
  }
}
