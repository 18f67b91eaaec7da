import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RetryBudget } from "@subtreekit/http-retry";
import { requireVectors } from "@subtreekit/testkit";
import { PeersUnavailableError, type ValidatorEvent, validateBlock } from "../index.ts";
import { runValidator, storedIn } from "../testing/run-validator.ts";
import { type TempStores, tempStores } from "../testing/temp-stores.ts";
import { loadVectorDir, startVectorPeer, type VectorPeer } from "../testing/vector-peer.ts";

const vectors = requireVectors("peer-validator retry policy");
const ST = "b6b4a947cfe907494ebcb3b704d02dbc10b9e6fb647a3387ab464f3d6cb03139";
const B171 = "0000000023ffe4075b18e77ce7342b90a7deeb92e4b3681551253291c3522824";

describe.skipIf(!vectors)("retry policy", () => {
  let files: Map<string, Uint8Array>;
  const peers: VectorPeer[] = [];
  const dirs: string[] = [];
  const temps: TempStores[] = [];
  beforeAll(() => {
    files = loadVectorDir(`${vectors}/171`);
  });
  afterAll(async () => {
    for (const p of peers) await p.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    for (const t of temps) await t.close();
  });
  const cwd = () => {
    const d = mkdtempSync(join(tmpdir(), "stk-validate-retry-"));
    dirs.push(d);
    return d;
  };
  /** A peer whose subtree_data answers `status` (with `headers`) the first `times` times per subtree. */
  const busyPeer = (times: number, status: number, headers: Record<string, string> = {}) => {
    const seen = new Map<string, number>();
    const p = startVectorPeer(files, (_r, path) => {
      if (!path.startsWith("/subtree_data/")) return undefined;
      const k = (seen.get(path) ?? 0) + 1;
      seen.set(path, k);
      return k <= times ? Response.json({ message: "busy" }, { status, headers }) : undefined;
    });
    peers.push(p);
    return p;
  };

  test("503 with Retry-After: 1 is waited out (≥ 1 s) and then succeeds; the summary counts it", async () => {
    const p = busyPeer(1, 503, { "retry-after": "1" });
    const dir = cwd();
    const r = await runValidator(["subtree", ST, "--peer", p.url, "--json"], dir);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const retry = lines.find((l) => l.type === "retry");
    expect(retry).toMatchObject({ status: 503, attempt: 1 });
    // equal jitter on a Retry-After hint: uniform in [hint, 1.5 × hint]
    expect(retry.delayMs).toBeGreaterThanOrEqual(1000);
    expect(retry.delayMs).toBeLessThanOrEqual(1500);
    expect(r.ms).toBeGreaterThan(1000);
    expect(lines.at(-1)).toMatchObject({ type: "summary", outcome: "ok", retries: 1, unavailable503: 1, txs: 32 });
    expect((await storedIn(dir)).txs).toBe(32);
  });

  test("429 with Retry-After is retried like 503; 429 without one is not, unless --retry-429", async () => {
    const hinted = busyPeer(1, 429, { "retry-after": "1" });
    const waited = await runValidator(["subtree", ST, "--peer", hinted.url], cwd());
    expect(waited.stderr).toBe("");
    expect(waited.code).toBe(0);
    expect(waited.stdout).toMatch(/1 retries/);
    const p = busyPeer(1, 429);
    const plain = await runValidator(["subtree", ST, "--peer", p.url], cwd());
    expect(plain.code).toBe(3);
    expect(plain.stderr).toMatch(/429/);
    const q = busyPeer(1, 429);
    const dir = cwd();
    const opted = await runValidator(["subtree", ST, "--peer", q.url, "--retry-429"], dir);
    expect(opted.code).toBe(0);
    expect(opted.stdout).toMatch(/1 retries/);
  });

  test("one RetryBudget is shared by every request of a run: a block's subtrees draw on the same tokens", async () => {
    const p = busyPeer(1, 503);
    const st = await tempStores();
    temps.push(st);
    const events: ValidatorEvent[] = [];
    // exactly two retries for the whole run: a frozen clock never refills the bucket
    const budget = new RetryBudget({ ratio: 0, perSecond: 2, maxTokens: 2, now: () => 0 });
    const err = await validateBlock({
      hash: B171,
      peers: [p.url],
      txStore: st.txStore,
      blobStore: st.blobStore,
      budget,
      settings: { peer_retry_initial_delay_ms: 5, peer_retry_max_delay_ms: 10 },
      events: (e) => events.push(e),
    }).catch((e) => e);
    expect(err).toBeInstanceOf(PeersUnavailableError);
    expect(events.filter((e) => e.type === "retry")).toHaveLength(2);
    expect(events.filter((e) => e.type === "subtree-done")).toHaveLength(2);
    const exhausted = events.filter((e) => e.type === "peer-failed" && e.message.includes("retry budget exhausted"));
    expect(exhausted).toHaveLength(30);
  });
});
