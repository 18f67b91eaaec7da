#!/usr/bin/env bun
// Scale-out (issue 10): N asset-server replicas (child processes of `main.ts serve`) on one
// Postgres tx store and one blob directory, against a single replica on the same stores.
//
// Three runs, each on its own unbuilt subtree:
//   baseline  1 replica,  R concurrent requests
//   scaled    N replicas, R concurrent requests spread round-robin
//   kill      N replicas whose tx store batches are delayed (a fake delay, so the build is still
//             running): replica 0 builds, R more requests go to the others, replica 0 is killed
//             with SIGKILL; time until every waiting request is done
// Every body is verified against the subtree's txids while it streams (`--verify one`: the first
// tx by tx, the others by sha256 against it). Prints one table: requests,
// 200s, verified, builds (the reference `on_demand_created` counter summed over replicas), bytes,
// wall time, per-request latency, peak RSS per replica.
//
//   bun bench/replicas.ts [--replicas 3] [--requests 30] [--txs 200000] [--verify all|one] [--pg postgres://…]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type Replica, startReplica } from "../apps/asset-server/src/server/scale-out/testing/replica.ts";
import { type VerifiedGet, verifiedGet } from "../apps/asset-server/src/server/scale-out/testing/verified-get.ts";
import { type SeededSubtree, seedSubtree } from "../apps/asset-server/src/testing/fixtures.ts";
import { FileBlobStore, PostgresTxStore } from "../packages/stores/src/index.ts";
import { postgresUrl } from "../packages/testkit/src/index.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    replicas: { type: "string", default: "3" },
    requests: { type: "string", default: "30" },
    txs: { type: "string", default: "200000" },
    pg: { type: "string", default: postgresUrl() },
    // "all": every body checked tx by tx against the txids (a double SHA-256 per tx, in this
    // process); "one": the first body so, the others by sha256 and length against it — shows the
    // servers' side when the client's CPU would otherwise be the bottleneck.
    verify: { type: "string", default: "all" },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(
    "usage: bun bench/replicas.ts [--replicas 3] [--requests 30] [--txs 200000] [--verify all|one] [--pg URL]",
  );
  process.exit(0);
}
const N = Number(values.replicas);
const R = Number(values.requests);
const TXS = Number(values.txs);
const CREATED = "teranode_asset_repository_subtree_data_created_total";
if (values.verify !== "all" && values.verify !== "one") {
  console.error(`--verify must be "all" or "one", got ${JSON.stringify(values.verify)}`);
  process.exit(2);
}
const VERIFY_ALL = values.verify === "all";

/** A seeded subtree and the sha256 of its subtree_data. */
type Seeded = SeededSubtree & { digest: string };
const seeded = (st: SeededSubtree): Seeded => ({
  ...st,
  digest: new Bun.CryptoHasher("sha256").update(st.data).digest("hex"),
});

/** GET a body: verified against the txids (request 0, or all with --verify all), else hashed only. */
async function get(url: string, st: Seeded, i: number): Promise<VerifiedGet> {
  if (VERIFY_ALL || i === 0) return verifiedGet(url, st.txids);
  const out: VerifiedGet = { status: 0, headersAt: undefined, bytes: 0, txs: 0, digest: "", verified: false };
  const hasher = new Bun.CryptoHasher("sha256");
  try {
    const res = await fetch(url);
    out.status = res.status;
    out.headersAt = performance.now();
    if (res.status === 200 && res.body) {
      const reader = res.body.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        out.bytes += r.value.length;
        hasher.update(r.value);
      }
    } else await res.arrayBuffer();
  } catch (error) {
    out.error = String(error);
  }
  out.digest = hasher.digest("hex");
  // Same bytes as the data the subtree was seeded with (whose txids are its nodes).
  out.verified = out.error === undefined && out.status === 200 && out.digest === st.digest;
  return out;
}

const schema = `bench_replicas_${process.pid}`;
const txstore = `${values.pg}?schema=${schema}`;
const dir = mkdtempSync(join(tmpdir(), "bench-replicas-"));
const MiB = 1024 * 1024;

/** Peak RSS of each replica, from /proc, sampled every 50 ms while `run` runs. */
async function withRss<T>(rs: Replica[], run: () => Promise<T>): Promise<{ result: T; peakMiB: number[] }> {
  const peak = rs.map(() => 0);
  let on = true;
  const sampler = (async () => {
    while (on) {
      rs.forEach((r, i) => {
        try {
          const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${r.proc.pid}/status`, "utf8"));
          if (m) peak[i] = Math.max(peak[i] as number, Number(m[1]) / 1024);
        } catch {
          // Exited (the killed replica).
        }
      });
      await Bun.sleep(50);
    }
  })();
  try {
    return { result: await run(), peakMiB: peak };
  } finally {
    on = false;
    await sampler;
  }
}

const builds = async (rs: Replica[]) =>
  (await Promise.all(rs.map((r) => r.metric(CREATED, { source: "on_demand_created" })))).reduce((a, b) => a + b, 0);

interface Row {
  run: string;
  replicas: number;
  requests: number;
  ok: number;
  verified: number;
  builds: number;
  bytes: number;
  wallS: number;
  p50S: number;
  maxS: number;
  peakMiB: number[];
}

function row(
  run: string,
  replicas: number,
  results: VerifiedGet[],
  b: number,
  wall: number,
  lat: number[],
  peakMiB: number[],
): Row {
  const sorted = [...lat].sort((x, y) => x - y);
  return {
    run,
    replicas,
    requests: results.length,
    ok: results.filter((r) => r.status === 200).length,
    verified: results.filter((r) => r.verified).length,
    builds: b,
    bytes: results.reduce((n, r) => n + r.bytes, 0),
    wallS: wall / 1000,
    p50S: (sorted[Math.floor(sorted.length / 2)] ?? 0) / 1000,
    maxS: (sorted.at(-1) ?? 0) / 1000,
    peakMiB,
  };
}

/** R concurrent verified GETs of `st`, round-robin over `rs`. */
async function storm(rs: Replica[], st: Seeded, name: string): Promise<Row> {
  const before = await builds(rs);
  const t0 = performance.now();
  const lat: number[] = [];
  const { result, peakMiB } = await withRss(rs, () =>
    Promise.all(
      Array.from({ length: R }, async (_, i) => {
        const r = await get(`${rs[i % rs.length]!.api}/subtree_data/${st.hex}`, st, i);
        lat.push(performance.now() - t0);
        return r;
      }),
    ),
  );
  const wall = performance.now() - t0;
  return row(name, rs.length, result, (await builds(rs)) - before, wall, lat, peakMiB);
}

async function killRun(rs: Replica[], st: Seeded): Promise<Row & { recoveryS: number; startedBeforeKill: number }> {
  const [a, ...others] = rs as [Replica, ...Replica[]];
  const before = await builds(others);
  // The kill replicas delay every tx store batch (a fake delay): builds write at the tx store's
  // pace, whatever their clients do, so this is what keeps the build in progress at the kill.
  const origin = fetch(`${a.api}/subtree_data/${st.hex}`)
    .then((r) => r.arrayBuffer())
    .catch(() => undefined); // cut by the kill
  const sub = join(dir, st.hex.slice(0, 2));
  while (!readdirSync(sub).some((n) => n.startsWith(`.${st.hex}.subtreeData.p`))) await Bun.sleep(10);
  const t0 = performance.now();
  const lat: number[] = [];
  let killedAt = 0;
  let startedBeforeKill = 0;
  const { result, peakMiB } = await withRss(rs, async () => {
    // Requests that arrive while the builder is dying or dead: the survivors must notice (lock
    // free, no final file), rebuild once, and serve them all. Requests already streaming the dead
    // builder's file are cut by design (the scale-out test covers them).
    await Bun.sleep(300);
    killedAt = performance.now();
    await a.kill9();
    const waiting = Array.from({ length: R }, async (_, i) => {
      const r = await get(`${others[i % others.length]!.api}/subtree_data/${st.hex}`, st, i);
      lat.push(performance.now() - killedAt);
      if (r.headersAt !== undefined && r.headersAt < killedAt) startedBeforeKill++;
      return r;
    });
    return Promise.all(waiting);
  });
  await origin;
  const done = performance.now();
  const r = row("kill -9 builder", rs.length, result, (await builds(others)) - before, done - t0, lat, peakMiB);
  return { ...r, recoveryS: (done - killedAt) / 1000, startedBeforeKill };
}

const started: Replica[] = [];
try {
  console.log(`seeding 3 subtrees × ${TXS} txs into ${schema} …`);
  const t = performance.now();
  const txs = await PostgresTxStore.open(txstore);
  const blobs = new FileBlobStore(dir, { fsync: "none" });
  const [s1, s2, s3] = [
    seeded(await seedSubtree({ txs, blobs }, TXS)),
    seeded(await seedSubtree({ txs, blobs }, TXS)),
    seeded(await seedSubtree({ txs, blobs }, TXS)),
  ];
  await txs.close();
  console.log(
    `seeded in ${((performance.now() - t) / 1000).toFixed(1)} s; subtree_data = ${(s1.data.length / MiB).toFixed(1)} MiB`,
  );

  const one = await startReplica({ txstore, blobDir: dir });
  started.push(one);
  const base = await storm([one], s1, "baseline");
  await one.stop();

  const rs = await Promise.all(Array.from({ length: N }, () => startReplica({ txstore, blobDir: dir })));
  started.push(...rs);
  const scaled = await storm(rs, s2, "scaled");
  await Promise.all(rs.map((r) => r.stop()));
  const slow = await Promise.all(
    Array.from({ length: N }, () =>
      startReplica({
        txstore,
        blobDir: dir,
        entry: join(import.meta.dir, "../apps/asset-server/src/testing/slow-serve.ts"),
        env: { SUBTREEKIT_TEST_TX_DELAY_MS: "100", asset_subtreeDataStreamingChunkSize: "2000" },
      }),
    ),
  );
  started.push(...slow);
  const kill = await killRun(slow, s3);

  const rows = [base, scaled, kill];
  const head = [
    "run",
    "replicas",
    "requests",
    "200",
    "verified",
    "builds",
    "MiB out",
    "wall s",
    "p50 s",
    "max s",
    "peak RSS MiB/replica",
  ];
  const lines = rows.map((r) => [
    r.run,
    String(r.replicas),
    String(r.requests),
    String(r.ok),
    String(r.verified),
    String(r.builds),
    (r.bytes / MiB).toFixed(0),
    r.wallS.toFixed(2),
    r.p50S.toFixed(2),
    r.maxS.toFixed(2),
    r.peakMiB.map((m) => m.toFixed(0)).join(" / "),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(" | ")} |`;
  console.log(fmt(head));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const l of lines) console.log(fmt(l));
  console.log(`scaled / baseline wall time: ${(scaled.wallS / base.wallS).toFixed(2)}`);
  console.log(
    `kill run: ${kill.startedBeforeKill} of ${R} had headers before the SIGKILL; all done ${kill.recoveryS.toFixed(2)} s after it (latencies in that row are from the kill)`,
  );
} finally {
  await Promise.all(started.map((r) => (r.proc.exitCode === null ? r.stop() : undefined)));
  const sql = new Bun.SQL(values.pg as string, { max: 1 });
  await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await sql.close();
  rmSync(dir, { recursive: true, force: true });
}
