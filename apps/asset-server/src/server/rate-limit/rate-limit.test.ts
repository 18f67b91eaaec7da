import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSettings } from "@subtreekit/settings";
import { openBlobStore, openTxStore } from "@subtreekit/stores";
import { type SeededBlock, type SeededSubtree, seedBlock, seedSubtree } from "../../testing/fixtures.ts";
import { startTestServer, type TestServer } from "../../testing/server.ts";
import { createAssetServer } from "../create.ts";
import { createLogger } from "../logger.ts";
import type { AssetSettings } from "../settings.ts";

// Real servers on port 0, requests over loopback sockets. The exempt list is emptied where the
// limit itself is under test, since every request here comes from 127.0.0.1.

interface Answer {
  status: number;
  retryAfter: string | null;
  contentType: string | null;
  body: string;
}

/** `n` requests at once; every body is read. Also returns how long the whole burst took (s). */
async function burst(url: string, n: number, init: RequestInit = {}): Promise<{ answers: Answer[]; seconds: number }> {
  const t0 = performance.now();
  const answers = await Promise.all(
    Array.from({ length: n }, async () => {
      const res = await fetch(url, init);
      return {
        status: res.status,
        retryAfter: res.headers.get("retry-after"),
        contentType: res.headers.get("content-type"),
        body: await res.text(),
      };
    }),
  );
  return { answers, seconds: (performance.now() - t0) / 1000 };
}

const limited = (a: Answer[]) => a.filter((x) => x.status === 429);

/** At `rate`/s with burst = rate, at most this many of a burst lasting `seconds` can pass. */
const mostPassing = (rate: number, seconds: number) => rate + Math.ceil(seconds * rate) + 1;

async function server(
  over: Partial<AssetSettings>,
): Promise<{ srv: TestServer; st: SeededSubtree; block: SeededBlock }> {
  const srv = await startTestServer(over);
  const st = await seedSubtree(srv, 20);
  const block = await seedBlock(srv, [10]);
  return { srv, st, block };
}

describe("rate limiting (issue 18), real server", () => {
  const open: TestServer[] = [];
  afterAll(async () => {
    for (const s of open) await s.close();
  });

  describe("at 5/s with the exempt list emptied", () => {
    let srv: TestServer;
    let st: SeededSubtree;
    let block: SeededBlock;
    beforeAll(async () => {
      ({ srv, st, block } = await server({ asset_httpHeavyRateLimit: 5, asset_httpRateLimitExempt: [] }));
      open.push(srv);
    });

    test("40 quick heavy requests get 429s with the JSON message and Retry-After, on hono's path and the native subtree_data route; /health never does", async () => {
      const health = burst(`${srv.url}/health`, 40);
      const runs = await Promise.all([
        burst(`${srv.api}/subtree/${st.hex}`, 40), // hono
        burst(`${srv.api}/subtree_data/${st.hex}`, 40), // Bun's native route
        burst(`${srv.api}/block/${block.hex}`, 40),
        burst(`${srv.url}/rest/block/${block.hex}.bin`, 40),
      ]);
      for (const { answers, seconds } of runs) {
        const refused = limited(answers);
        expect(refused.length).toBeGreaterThan(0);
        expect(answers.length - refused.length).toBeLessThanOrEqual(mostPassing(5, seconds));
        for (const a of refused) {
          expect(JSON.parse(a.body)).toEqual({ message: "rate limit exceeded" });
          expect(a.contentType).toBe("application/json");
          expect(a.retryAfter).toBe("1");
        }
        // What got through was really served (a subtree_data build may meet the create cap: 503).
        for (const a of answers.filter((x) => x.status !== 429)) expect([200, 503]).toContain(a.status);
      }
      expect((await health).answers.map((a) => a.status)).toEqual(Array(40).fill(200));
      const metrics = await (await fetch(`${srv.url}/metrics`)).text();
      const heavy429 = runs.reduce((n, r) => n + limited(r.answers).length, 0);
      expect(metrics).toContain(`teranode_asset_http_rate_limited_total{scope="heavy"} ${heavy429}`);
      const subtree429 = limited(runs[0]!.answers).length;
      expect(metrics).toContain(
        `teranode_asset_http_get_subtree{function="ERROR",operation="Too Many Requests"} ${subtree429}`,
      );
      const data429 = limited(runs[1]!.answers).length;
      expect(metrics).toContain(
        `teranode_asset_http_get_subtree_data{function="ERROR",operation="Too Many Requests"} ${data429}`,
      );
    });

    test("headers_from_common_ancestor and tx routes are not heavy: only the 1024/s global bucket", async () => {
      const headers = await burst(`${srv.api}/headers_from_common_ancestor/${block.hex}`, 40);
      expect(limited(headers.answers)).toEqual([]);
      const tx = await burst(`${srv.api}/tx/${"cd".repeat(32)}`, 40);
      expect(limited(tx.answers)).toEqual([]);
    });
  });

  test("the global bucket limits every route but /health and /metrics, per client", async () => {
    const { srv } = await server({
      asset_httpRateLimit: 5,
      asset_httpHeavyRateLimit: 0,
      asset_httpRateLimitExempt: [],
    });
    open.push(srv);
    const { answers, seconds } = await burst(`${srv.api}/tx/${"cd".repeat(32)}`, 40);
    expect(limited(answers).length).toBeGreaterThan(0);
    expect(answers.length - limited(answers).length).toBeLessThanOrEqual(mostPassing(5, seconds));
    expect(limited((await burst(`${srv.url}/metrics`, 40)).answers)).toEqual([]);
    expect(limited((await burst(`${srv.api}/health`, 40)).answers)).toEqual([]);
    expect(await (await fetch(`${srv.url}/metrics`)).text()).toContain(
      `teranode_asset_http_rate_limited_total{scope="global"} ${limited(answers).length}`,
    );
  });

  test("the same 40 quick heavy requests from loopback with the default settings get no 429", async () => {
    const { srv, st, block } = await server({});
    open.push(srv);
    for (const url of [
      `${srv.api}/subtree/${st.hex}`,
      `${srv.api}/subtree_data/${st.hex}`,
      `${srv.api}/block/${block.hex}`,
      `${srv.api}/block_legacy/${block.hex}`,
    ]) {
      expect(limited((await burst(url, 40)).answers)).toEqual([]);
    }
    expect(srv.asset.testing.rateLimitEntries).toEqual({ clients: 0, addresses: 1 });
  });

  describe("behind a trusted proxy (the test client on 127.0.0.1 plays the proxy, loopback stays exempt)", () => {
    let srv: TestServer;
    let st: SeededSubtree;
    beforeAll(async () => {
      ({ srv, st } = await server({ asset_httpHeavyRateLimit: 5, asset_httpTrustedProxies: ["127.0.0.0/8"] }));
      open.push(srv);
    });
    const as = (xff?: string): RequestInit => (xff === undefined ? {} : { headers: { "x-forwarded-for": xff } });

    test("forwarded clients are limited one by one, never exempt by the proxy's address", async () => {
      const a = await burst(`${srv.api}/subtree/${st.hex}`, 40, as("198.51.100.1"));
      expect(limited(a.answers).length).toBeGreaterThan(0);
      // Another client behind the same proxy has its own, full bucket.
      const b = await burst(`${srv.api}/subtree/${st.hex}`, 5, as("198.51.100.2"));
      expect(b.answers.map((x) => x.status)).toEqual(Array(5).fill(200));
      // A client that names itself 127.0.0.1: the proxy appended its real address, which counts.
      const spoof = await burst(`${srv.api}/subtree/${st.hex}`, 40, as("127.0.0.1, 198.51.100.3"));
      expect(limited(spoof.answers).length).toBeGreaterThan(0);
    });

    test("a loopback client forwarded by the proxy is exempt; the proxy's own requests without X-Forwarded-For are not", async () => {
      expect(limited((await burst(`${srv.api}/subtree/${st.hex}`, 40, as("127.0.0.1"))).answers)).toEqual([]);
      expect(limited((await burst(`${srv.api}/subtree/${st.hex}`, 40)).answers).length).toBeGreaterThan(0);
    });

    test("IPv6 clients in one /64 share a bucket; the next /64 has its own", async () => {
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          fetch(`${srv.api}/subtree/${st.hex}`, as(`2001:db8:5:6::${(i + 1).toString(16)}`)).then((r) => r.status),
        ),
      );
      expect(answers.filter((s) => s === 429).length).toBeGreaterThan(0);
      expect((await fetch(`${srv.api}/subtree/${st.hex}`, as("2001:db8:5:7::1"))).status).toBe(200);
    });
  });

  test("an untrusted peer's X-Forwarded-For is ignored: every header value shares the peer's bucket", async () => {
    const { srv, st } = await server({
      asset_httpHeavyRateLimit: 5,
      asset_httpRateLimitExempt: [],
      asset_httpTrustedProxies: ["192.0.2.0/24"],
    });
    open.push(srv);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        fetch(`${srv.api}/subtree/${st.hex}`, { headers: { "x-forwarded-for": `198.51.100.${i + 1}` } }).then(
          (r) => r.status,
        ),
      ),
    );
    expect(answers.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(srv.asset.testing.rateLimitEntries.clients).toBe(1);
  });

  test("the client table of a running server stays within its bound under 300 forwarded clients", async () => {
    // A small bound so a few hundred requests pass it; the default (50 000) is covered in rate-limiter.test.ts.
    const srv = await startTestServer(
      { asset_httpHeavyRateLimit: 5, asset_httpTrustedProxies: ["127.0.0.0/8"] },
      { rateLimitMaxClients: 100 },
    );
    open.push(srv);
    const st = await seedSubtree(srv, 5);
    for (let i = 0; i < 300; i += 50) {
      const statuses = await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          fetch(`${srv.api}/subtree/${st.hex}`, {
            headers: { "x-forwarded-for": `10.0.${(i + j) >> 8}.${(i + j) & 255}` },
          }).then((r) => r.status),
        ),
      );
      expect(statuses).toEqual(Array(50).fill(200)); // each one a new client with a full bucket
    }
    expect(srv.asset.testing.rateLimitEntries).toEqual({ clients: 100, addresses: 100 });
  });

  test("429s are logged at most once a second per client, naming it and counting those left out, on both paths", async () => {
    const dir = mkdtempSync(join(tmpdir(), "asset-ratelimit-log-"));
    const blobs = await openBlobStore(`file://${dir}/blobs?fsync=none`);
    const txs = await openTxStore(`sqlite://${dir}/tx.sqlite`);
    const lines: Record<string, unknown>[] = [];
    const settings = {
      ...loadSettings({ env: {}, files: [] }),
      asset_httpHeavyRateLimit: 1,
      asset_httpRateLimitExempt: [],
    };
    const asset = createAssetServer({
      settings,
      txStore: txs,
      blobStore: blobs,
      heightScanMs: 0,
      logger: createLogger("info", { write: (line) => void lines.push(JSON.parse(line)) }),
    });
    try {
      const { url } = await asset.listen({ port: 0, hostname: "127.0.0.1" });
      const unknown = "cd".repeat(32);
      const data = `${url}/api/v1/subtree_data/${unknown}`;
      const block = `${url}/api/v1/block/${unknown}`;
      expect((await fetch(data)).status).toBe(404);
      expect((await fetch(data)).status).toBe(429); // logged
      expect((await fetch(block)).status).toBe(404); // its own bucket
      for (let i = 0; i < 3; i++) expect((await fetch(block)).status).toBe(429); // within the second: counted only
      await Bun.sleep(1000);
      let status = 0;
      for (let i = 0; i < 3 && status !== 429; i++) status = (await fetch(block)).status;
      expect(status).toBe(429);
      const limitedLines = lines.filter((l) => l.status === 429);
      expect(limitedLines).toEqual([
        expect.objectContaining({
          path: `/api/v1/subtree_data/${"cd".repeat(32)}`,
          outcome: "rate_limited",
          client: "127.0.0.1",
          bytes: 33,
        }),
        expect.objectContaining({
          path: `/api/v1/block/${"cd".repeat(32)}`,
          outcome: "rate_limited",
          client: "127.0.0.1",
          bytes: 33,
        }),
      ]);
    } finally {
      await asset.shutdown({ graceMs: 0 });
      await txs.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
