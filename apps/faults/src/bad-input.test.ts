import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { badRequests } from "./testing/bad-inputs.ts";
import { listFiles } from "./testing/files.ts";
import { seedBlock } from "./testing/seed.ts";
import { type ServerProcess, startServer } from "./testing/server-process.ts";
import { rssOf, waitFor } from "./testing/wait.ts";

const SEED = Number(process.env.SUBTREEKIT_FAULTS_SEED ?? 20260);
const COUNT = 10_000;
const WORKERS = 32;
const MIB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), "faults-badinput-"));
let server: ServerProcess | undefined;

afterAll(async () => {
  await server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

test(`bad input sweep: ${COUNT} seeded malformed paths, hashes, queries and POST bodies get only 400/404/405/413, no 500, no crash, no file created, RSS back near baseline`, async () => {
  const blobs = join(dir, "blobs");
  const env = { txstore: `sqlite://${join(dir, "tx.sqlite")}`, subtreestore: `file://${blobs}` };
  const known = seedBlock({ ...env, subtrees: 1, txs: 1000, txBytes: 500, seed: 31 }).subtrees[0] as string;
  server = await startServer({ cwd: dir, env: { ...env, asset_max_batch_txs: "1024" } });
  const requests = badRequests(COUNT, SEED, known, 1024);
  const filesBefore = listFiles(blobs);

  const send = async (i: number) => {
    const q = requests[i]!;
    const res = await fetch(`${server!.url}${q.path}`, {
      method: q.method,
      ...(q.body ? { body: q.body } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    return res.status;
  };
  // Warm-up with the first few hundred, then the baseline, so lazily loaded code is not "growth".
  const statuses = new Map<number, number[]>();
  let next = 0;
  const worker = async (end: number) => {
    while (next < end) {
      const i = next++;
      const status = await send(i);
      statuses.set(status, [...(statuses.get(status) ?? []).slice(0, 4), i]);
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, () => worker(500)));
  await Bun.sleep(200);
  const baseline = await rssOf(server.pid);
  await Promise.all(Array.from({ length: WORKERS }, () => worker(COUNT)));

  const unexpected = [...statuses].filter(([s]) => ![400, 404, 405, 413].includes(s));
  const examples = unexpected.map(
    ([s, is]) => `${s}: ${is.map((i) => `${requests[i]!.method} ${requests[i]!.path.slice(0, 120)}`).join(" | ")}`,
  );
  expect(examples).toEqual([]);
  expect(next).toBe(COUNT);
  // Every kind of refusal was exercised, so the sweep really covered the validators.
  expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([400, 404, 413]));

  expect(server.proc.exitCode).toBeNull();
  expect((await fetch(`${server.url}/health`)).status).toBe(200);
  expect(listFiles(blobs)).toEqual(filesBefore);
  // Refusals keep nothing: RSS settles back near the warmed-up baseline (GC given a few seconds).
  let after = 0;
  await waitFor(
    async () => {
      after = await rssOf(server!.pid);
      return after <= baseline + 64 * MIB;
    },
    15_000,
    "RSS to settle near its baseline",
  ).catch(() => {});
  expect({
    baselineMiB: Math.round(baseline / MIB),
    afterMiB: Math.round(after / MIB),
    ok: after <= baseline + 64 * MIB,
  }).toMatchObject({ ok: true });
}, 60_000);
