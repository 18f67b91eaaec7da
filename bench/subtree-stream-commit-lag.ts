/**
 * How long the atomic file sink's `commit()` stops the event loop, against the same file synced
 * with `fsyncSync` (what commit did before): a server commits a build of tens of MB while it
 * streams to every other client and answers every 503, so a commit that blocks freezes all of it.
 * Each round writes `MiB` through the sink (fsync "full"), then the same bytes to a plain file
 * synced with `fsyncSync`, and samples the loop with a 5 ms timer during each sync. Prints the
 * worst lag of each and the ratio ours ÷ fsyncSync (lower is better; ~0 = the loop kept turning).
 * Run: `bun bench/subtree-stream-commit-lag.ts [MiB=64] [rounds=5]`.
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAtomicFileSink } from "../packages/subtree-stream/src/bun/index.ts";

const MIB = Number(process.argv[2] ?? 64);
const ROUNDS = Number(process.argv[3] ?? 5);
const TICK_MS = 5;
const data = new Uint8Array(MIB * 1024 * 1024);
for (let i = 0; i < data.length; i += 4096) data[i] = i >>> 12;
const dir = mkdtempSync(join(tmpdir(), "stk-bench-commit-lag-"));

/** Runs `work` while a 5 ms timer samples the loop; returns the worst lateness and the duration. */
async function sampled(work: () => Promise<void> | void): Promise<{ lagMs: number; ms: number }> {
  let worst = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - TICK_MS);
    last = now;
  }, TICK_MS);
  await Bun.sleep(TICK_MS * 4); // the timer is running before the work starts
  const t = performance.now();
  await work();
  const ms = performance.now() - t;
  await Bun.sleep(TICK_MS * 4); // a tick blocked by the work fires (late) before we stop
  clearInterval(timer);
  return { lagMs: Math.max(0, worst), ms };
}

async function ours(round: number) {
  const path = join(dir, `sink-${round}`);
  const sink = await createAtomicFileSink(path, { fsync: "full" });
  const p = sink.write(data);
  if (p) await p;
  await sink.flush();
  const r = await sampled(() => sink.commit());
  unlinkSync(path);
  return r;
}

async function fsyncSyncBaseline(round: number) {
  const path = join(dir, `plain-${round}`);
  const fd = openSync(path, "w");
  writeSync(fd, data);
  const r = await sampled(() => fsyncSync(fd));
  closeSync(fd);
  unlinkSync(path);
  return r;
}

try {
  const rows: { ours: { lagMs: number; ms: number }; sync: { lagMs: number; ms: number } }[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    // Interleaved, so load from other processes hits both alike.
    rows.push({ ours: await ours(i), sync: await fsyncSyncBaseline(i) });
  }
  console.log(`commit of ${MIB} MiB (fsync "full"), ${ROUNDS} rounds, loop sampled every ${TICK_MS} ms`);
  console.log("round  sink commit: ms / worst lag   fsyncSync: ms / worst lag");
  for (const [i, r] of rows.entries()) {
    console.log(
      `${String(i + 1).padStart(5)}  ${r.ours.ms.toFixed(0).padStart(10)} / ${r.ours.lagMs.toFixed(0).padStart(4)} ms` +
        `   ${r.sync.ms.toFixed(0).padStart(8)} / ${r.sync.lagMs.toFixed(0).padStart(4)} ms`,
    );
  }
  const worstOurs = Math.max(...rows.map((r) => r.ours.lagMs));
  const worstSync = Math.max(...rows.map((r) => r.sync.lagMs));
  console.log(
    `worst event-loop lag: commit ${worstOurs.toFixed(0)} ms, fsyncSync ${worstSync.toFixed(0)} ms; ratio ${(worstOurs / worstSync).toFixed(2)} (lower is better)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
