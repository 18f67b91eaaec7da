/**
 * Ordered bounded writer (`writeSubtreeData`) from an in-memory tx source to a null sink (and to a
 * copying sink, the like-for-like case), against
 * the floor it competes with: one `Uint8Array` concat of the same tx bytes. Printed as ratios
 * (baseline time ÷ writer time; 1 = as fast as the concat, goal ≥ 0.7) plus peak RSS. Numbers
 * depend on the machine; only ratios from one invocation mean anything.
 * Run: `bun bench/subtree-stream-writer.ts [txs]`.
 */
import { nodeChunks, type TxSource, writeSubtreeData } from "../packages/subtree-stream/src/index.ts";

const N = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = 5;

// Txs of 150–350 bytes (≈ 250 on average, like mainnet), as views into one backing buffer.
const sizes = Array.from({ length: N }, (_, i) => 150 + (((i * 2654435761) >>> 0) % 201));
const total = sizes.reduce((a, b) => a + b, 0);
const backing = new Uint8Array(total);
for (let i = 0; i < total; i++) backing[i] = i & 0xff;
const txs: Uint8Array[] = [];
const hashes: Uint8Array[] = [];
for (let i = 0, o = 0; i < N; o += sizes[i] as number, i++) {
  txs.push(backing.subarray(o, o + (sizes[i] as number)));
  const h = new Uint8Array(32);
  new DataView(h.buffer).setUint32(0, i, true);
  hashes.push(h);
}
const source: TxSource = {
  // An index lookup, as cheap as an in-memory source gets, so the writer's own cost is measured.
  getTxs: async (hs) => hs.map((h) => txs[(h[0] as number) | ((h[1] as number) << 8) | ((h[2] as number) << 16)]),
};

function baseline(): number {
  const out = new Uint8Array(total);
  let o = 0;
  for (const tx of txs) {
    out.set(tx, o);
    o += tx.length;
  }
  return o;
}

/** `copy`: the sink copies into one Uint8Array, doing the baseline's work on top of the writer's. */
async function writer(concurrency: number, copy = false): Promise<number> {
  let bytes = 0;
  const out = copy ? new Uint8Array(total) : undefined;
  const res = await writeSubtreeData({
    nodes: nodeChunks(hashes, 10_000),
    source,
    sink: out
      ? {
          write: (b) => {
            out.set(b, bytes);
            bytes += b.length;
          },
        }
      : { write: (b) => void (bytes += b.length) },
    concurrency,
  });
  if (res.bytes !== total || bytes !== total) throw new Error("wrong byte count");
  return bytes;
}

const rssSetup = process.resourceUsage().maxRSS / 1024;
// Rounds interleave the baseline and every variant, so load from other processes on a shared
// machine hits all of them alike; the best round of each is kept.
const impls: [string, () => unknown][] = [
  ["baseline concat", baseline],
  ["writer c=2 w=2", () => writer(2)],
  ["writer c=4 w=4", () => writer(4)],
  ["writer c=2 + copy", () => writer(2, true)],
];
const bestMs = new Map<string, number>();
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, fn] of impls) {
    const t0 = performance.now();
    await fn();
    const t = performance.now() - t0;
    bestMs.set(name, Math.min(bestMs.get(name) ?? Number.POSITIVE_INFINITY, t));
  }
}
const tBase = bestMs.get("baseline concat") as number;
const results = impls.slice(1).map(([name]) => [name, bestMs.get(name) as number] as const);
const mib = total / 1048576;
console.log(`${N} txs, ${mib.toFixed(1)} MiB, best of ${ROUNDS}`);
console.log(`baseline concat      ${tBase.toFixed(1)} ms  ${(mib / (tBase / 1000)).toFixed(0)} MiB/s`);
for (const [name, t] of results) {
  const ratio = tBase / t;
  console.log(
    `${name.padEnd(20)} ${t.toFixed(1)} ms  ${(mib / (t / 1000)).toFixed(0)} MiB/s  ratio ${ratio.toFixed(2)} (goal ≥ 0.7) ${ratio >= 0.7 ? "ok" : "BELOW GOAL"}`,
  );
}
// Most of the peak is the fixture (1M hashes, 1M tx views, the backing buffer) and the concats.
console.log(
  `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (after building the fixture: ${rssSetup.toFixed(0)} MiB)`,
);
