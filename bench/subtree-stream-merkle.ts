// Benchmark: merkle root of 2^20 leaves against 2^20 raw sha256d of 64 bytes (goal ≥ 0.8), for
// merkleRoot (array) and MerkleBuilder (streaming, O(log n) memory). Best of trials, peak RSS.
//
//   bun bench/subtree-stream-merkle.ts [log2Leaves=20] [trials=5]
import { MerkleBuilder, merkleRoot, sha256dInto } from "../packages/subtree-stream/src/index.ts";

const LOG = Number(process.argv[2] ?? 20);
const TRIALS = Number(process.argv[3] ?? 5);
const N = 2 ** LOG;

const packed = new Uint8Array(N * 32);
crypto.getRandomValues(packed.subarray(0, 65536));
for (let o = 65536; o < packed.length; o += 65536) packed.copyWithin(o, 0, 65536);
const leaves: Uint8Array[] = new Array(N);
for (let i = 0; i < N; i++) {
  leaves[i] = packed.subarray(i * 32, i * 32 + 32);
  new DataView(packed.buffer).setUint32(i * 32, i); // distinct leaves
}

// Trials are interleaved and the best of each kept, so load from other processes hits all alike.
const pair = new Uint8Array(64);
const out = new Uint8Array(32);
let a: Uint8Array = out;
let b: Uint8Array = out;
const variants: Record<string, () => void> = {
  baseline: () => {
    for (let i = 0; i < N; i++) {
      pair.set(leaves[i] as Uint8Array, 0);
      sha256dInto(pair, out);
    }
  },
  array: () => {
    a = merkleRoot(leaves);
  },
  builder: () => {
    const m = new MerkleBuilder();
    for (const leaf of leaves) m.push(leaf);
    b = m.root();
  },
};
const best: Record<string, number> = {};
for (let t = 0; t < TRIALS; t++) {
  for (const [name, fn] of Object.entries(variants)) {
    const start = performance.now();
    fn();
    best[name] = Math.min(best[name] ?? Infinity, performance.now() - start);
  }
}
if (Buffer.compare(a, b) !== 0) throw new Error("merkleRoot and MerkleBuilder disagree");
const baseline = best.baseline as number;
const array = best.array as number;
const builder = best.builder as number;

const line = (name: string, ms: number) =>
  console.log(`${name.padEnd(38)} ${ms.toFixed(0).padStart(6)} ms  ratio ${(baseline / ms).toFixed(2)}`);
console.log(`2^${LOG} leaves, best of ${TRIALS}`);
line("baseline: 2^n sha256d of 64 bytes", baseline);
line("merkleRoot(leaves)", array);
line("MerkleBuilder push ×n + root()", builder);
console.log(`goal: ratio ≥ 0.8 · peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
