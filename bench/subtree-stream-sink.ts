/**
 * Atomic file sink writing 256 MiB against `Bun.write` of the same bytes (one call, no fsync,
 * no temp/rename): ratio = Bun.write time ÷ sink time (1 = as fast, goal ≥ 0.8), plus peak RSS.
 * Variants: 1 MiB writes and tx-sized (~250 B) writes, with fsync "none" (like for like) and
 * "full" (the default: adds an fsync of 256 MiB, which the baseline does not pay). Rounds
 * interleave all variants so load from other processes hits them alike; best round kept.
 * Run: `bun bench/subtree-stream-sink.ts [MiB]`.
 */
import { mkdtempSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAtomicFileSink } from "../packages/subtree-stream/src/bun/index.ts";

const MIB = Number(process.argv[2] ?? 256);
const ROUNDS = 3;
const total = MIB * 1024 * 1024;
const data = new Uint8Array(total);
for (let i = 0; i < total; i += 4096) data[i] = i >>> 12;
const dir = mkdtempSync(join(tmpdir(), "stk-bench-sink-"));
const rssSetup = process.resourceUsage().maxRSS / 1024;

async function sink(step: number, fsync: "none" | "full"): Promise<void> {
  const path = join(dir, `sink-${step}-${fsync}`);
  const s = await createAtomicFileSink(path, { fsync });
  for (let o = 0; o < total; o += step) {
    const p = s.write(data.subarray(o, o + step));
    if (p) await p;
  }
  await s.commit();
  if (Bun.file(path).size !== total) throw new Error("wrong size");
  unlinkSync(path);
}

async function bunWrite(): Promise<void> {
  const path = join(dir, "bun-write");
  await Bun.write(path, data);
  unlinkSync(path);
}

const impls: [string, () => Promise<void>][] = [
  ["Bun.write (baseline)", bunWrite],
  ["sink 1 MiB writes, fsync none", () => sink(1 << 20, "none")],
  ["sink 250 B writes, fsync none", () => sink(250, "none")],
  ["sink 1 MiB writes, fsync full", () => sink(1 << 20, "full")],
];
const best = new Map<string, number>();
try {
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, fn] of impls) {
      const t0 = performance.now();
      await fn();
      const t = performance.now() - t0;
      best.set(name, Math.min(best.get(name) ?? Number.POSITIVE_INFINITY, t));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const tBase = best.get("Bun.write (baseline)") as number;
console.log(`${MIB} MiB, best of ${ROUNDS}`);
for (const [name] of impls) {
  const t = best.get(name) as number;
  const ratio = tBase / t;
  const verdict = name.startsWith("Bun.write")
    ? ""
    : `ratio ${ratio.toFixed(2)} (goal ≥ 0.8) ${ratio >= 0.8 ? "ok" : "BELOW GOAL"}`;
  console.log(
    `${name.padEnd(32)} ${t.toFixed(0).padStart(6)} ms  ${(MIB / (t / 1000)).toFixed(0).padStart(5)} MiB/s  ${verdict}`,
  );
}
console.log(
  `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (after allocating the ${MIB} MiB input: ${rssSetup.toFixed(0)} MiB)`,
);
