/**
 * The storm's admission dynamics, simulated: the real `RetrySchedule` on a virtual clock against
 * 200 peers with the production retry policy (6 attempts, Retry-After honoured with equal jitter:
 * hint × [1, 1.5)), Zipf s=1 over 40 subtrees, starts spread over 1 s, create cap 4, one build per
 * subtree (a request for a subtree being built or built never waits). No server, no I/O: it
 * isolates what the hints do, so a change to the schedule can be judged over hundreds of storms
 * in a second, where `bun run bench:storm` gives one noisy storm in two minutes. Baseline, in the
 * same invocation: the constant `Retry-After: 1` of the reference.
 * Run: `bun bench/retry-schedule-sim.ts [storms=300]`.
 */
import { RetrySchedule } from "../apps/asset-server/src/server/subtree-data/retry-schedule.ts";
import { retryAfterDelay } from "../packages/http-retry/src/index.ts";
import { PRODUCTION_POLICY } from "./storm/peer.ts";
import { mulberry32, zipf } from "./storm/random.ts";

const STORMS = Number(process.argv[2] ?? 300);
const CAP = 4;
const PEERS = 200;
const SUBTREES = 40;
/** The peers' own policy: its attempts, and the wait `fetchWithRetry` takes for a Retry-After. */
const MAX_ATTEMPTS = PRODUCTION_POLICY.maxAttempts;
const MAX_RETRY_AFTER_MS = 30_000; // fetchWithRetry's default maxRetryAfterMs

interface Storm {
  failed: number;
  maxAttempts: number;
  served503: number;
  /** Seconds from the first build start to the last build end. */
  drainS: number;
}

/** One storm with build times uniform in [buildMs[0], buildMs[1]); `maxS` 0 = the constant hint. */
function storm(seed: number, buildMs: readonly [number, number], maxS: number): Storm {
  const random = mulberry32(seed);
  let now = 0;
  const schedule = new RetrySchedule({ cap: CAP, minS: 1, maxS, now: () => now });
  const pick = zipf(SUBTREES, 1, random);
  // Events in time order; a sorted insert is plenty for ~1000 events.
  const events: { t: number; run: () => void }[] = [];
  const at = (t: number, run: () => void) => {
    let i = events.length;
    while (i > 0 && (events[i - 1] as { t: number }).t > t) i--;
    events.splice(i, 0, { t, run });
  };
  const state = new Map<string, "building" | "built">();
  let running = 0;
  const out: Storm = { failed: 0, maxAttempts: 0, served503: 0, drainS: 0 };
  let firstStart = Number.POSITIVE_INFINITY;
  let lastEnd = 0;
  for (let peer = 0; peer < PEERS; peer++) {
    const subtree = `s${pick()}`;
    let attempts = 0;
    const request = () => {
      attempts++;
      out.maxAttempts = Math.max(out.maxAttempts, attempts);
      if (state.has(subtree)) return; // follows the build, or reads the file
      if (running < CAP && schedule.mayStart(subtree, CAP - running)) {
        running++;
        state.set(subtree, "building");
        schedule.started(subtree);
        firstStart = Math.min(firstStart, now);
        at(now + buildMs[0] + random() * (buildMs[1] - buildMs[0]), () => {
          running--;
          state.set(subtree, "built");
          schedule.ended(subtree, true);
          lastEnd = Math.max(lastEnd, now);
        });
        return;
      }
      out.served503++;
      const hintMs = schedule.retryAfterS(subtree) * 1000;
      if (attempts >= MAX_ATTEMPTS) {
        out.failed++;
        return;
      }
      at(now + retryAfterDelay(hintMs, PRODUCTION_POLICY.jitter, random, MAX_RETRY_AFTER_MS), request);
    };
    at(random() * 1000, request);
  }
  while (events.length > 0) {
    const e = events.shift() as { t: number; run: () => void };
    now = e.t;
    e.run();
  }
  out.drainS = (lastEnd - firstStart) / 1000;
  return out;
}

function summary(buildMs: readonly [number, number], maxS: number) {
  let stormsWithFailures = 0;
  let failed = 0;
  let served503 = 0;
  let drainS = 0;
  let worstAttempts = 0;
  for (let seed = 1; seed <= STORMS; seed++) {
    const s = storm(seed, buildMs, maxS);
    if (s.failed > 0) stormsWithFailures++;
    failed += s.failed;
    served503 += s.served503;
    drainS += s.drainS;
    worstAttempts = Math.max(worstAttempts, s.maxAttempts);
  }
  return { stormsWithFailures, failed, served503: served503 / STORMS, drainS: drainS / STORMS, worstAttempts };
}

console.log(`${STORMS} simulated storms per row: ${PEERS} peers, ${SUBTREES} subtrees (Zipf s=1), cap ${CAP}`);
console.log("builds (ms)   hint            storms with failures   failed peers   503s/storm   drain (s)");
for (const build of [
  [800, 1300],
  [1000, 1600],
  [1300, 2000],
  [1600, 2600],
  [2000, 3000],
] as const) {
  const rows = [
    ["constant 1 s", summary(build, 0)],
    ["schedule ≤ 5 s", summary(build, 5)],
  ] as const;
  for (const [name, r] of rows) {
    console.log(
      `${`${build[0]}-${build[1]}`.padEnd(13)} ${name.padEnd(15)} ${`${r.stormsWithFailures}/${STORMS}`.padStart(20)}` +
        `   ${String(r.failed).padStart(12)}   ${r.served503.toFixed(0).padStart(10)}   ${r.drainS.toFixed(1).padStart(9)}`,
    );
  }
  const [base, ours] = [rows[0][1], rows[1][1]];
  console.log(
    `${"".padEnd(13)} ratio schedule ÷ constant: failed peers ${(ours.failed / Math.max(1, base.failed)).toFixed(3)}, 503s ${(ours.served503 / base.served503).toFixed(2)}`,
  );
}
