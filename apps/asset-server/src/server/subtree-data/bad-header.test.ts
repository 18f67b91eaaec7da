import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { toDisplayHex } from "@subtreekit/subtree-stream";
import { seedSubtree } from "../../testing/fixtures.ts";
import { startTestServer, type TestServer } from "../../testing/server.ts";
import { waitFor } from "../../testing/wait.ts";

/**
 * Issue 16, defect 3: the fast path serves only files whose header is `SD-1.0`. A foreign or
 * corrupt header is never sent as a 200: the file is moved aside (logged, counted) and the
 * subtree built afresh, or, with no subtree to build it from, a 500 that names the file.
 */
let srv: TestServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

const MOVED = "subtreekit_asset_subtree_data_files_moved_aside_total";

const metric = async (s: TestServer, needle: string) => {
  const text = await (await fetch(`${s.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(needle));
  return line ? Number(line.split(" ").pop()) : 0;
};

/** Writes `bytes` as the subtree's `.subtreeData` file, header and all, as a foreign writer would. */
async function plant(s: TestServer, hash: Uint8Array, bytes: Uint8Array): Promise<string> {
  const path = s.blobs.path(hash, "subtreeData");
  await mkdir(dirname(path), { recursive: true });
  await Bun.write(path, bytes);
  return path;
}

const ascii = (s: string) => new TextEncoder().encode(s);

async function idle(s: TestServer) {
  const t = s.asset.testing;
  await waitFor(() => t.createInUse === 0 && t.readerInUse === 0 && t.buildsInFlight === 0, 5000, "permits released");
}

describe("subtree_data files with a foreign or corrupt header (issue 16, defect 3)", () => {
  for (const [what, magic] of [
    ["a block's magic", ascii("B-1.0   ")],
    ["random bytes", Uint8Array.from([0x9c, 0x01, 0xfe, 0x7a, 0x33, 0x00, 0xd1, 0x42])],
  ] as const) {
    test(`${what} where the subtree and its txs are stored: moved aside, built afresh, 200 with the right body, counted`, async () => {
      srv = await startTestServer();
      const st = await seedSubtree(srv, 500);
      // The right body behind the wrong magic: only the header tells it is not ours to serve.
      const path = await plant(srv, st.hash, Buffer.concat([magic, st.data]));

      const res = await fetch(`${srv.api}/subtree_data/${st.hex}`);
      expect(res.status).toBe(200);
      expect(Buffer.compare(new Uint8Array(await res.arrayBuffer()), st.data)).toBe(0);
      await idle(srv);

      const files = readdirSync(dirname(path)).filter((f) => f.includes("subtreeData"));
      const aside = files.filter((f) => f.startsWith(`${basename(path)}.bad-`));
      expect(aside).toHaveLength(1);
      // The foreign file is kept as it was, for a look; a fresh file with our header replaced it.
      const kept = new Uint8Array(await Bun.file(`${dirname(path)}/${aside[0]}`).arrayBuffer());
      expect(Buffer.compare(kept.subarray(0, 8), magic)).toBe(0);
      const fresh = new Uint8Array(await Bun.file(path).arrayBuffer());
      expect(new TextDecoder().decode(fresh.subarray(0, 8))).toBe("SD-1.0  ");
      expect(Buffer.compare(fresh.subarray(8), st.data)).toBe(0);
      expect(await metric(srv, MOVED)).toBe(1);
      expect(
        await metric(
          srv,
          'teranode_asset_repository_subtree_data_created_total{result="success",source="on_demand_created"}',
        ),
      ).toBe(1);

      // From now on the fresh file is served as it is: nothing more is moved aside.
      const again = await fetch(`${srv.api}/subtree_data/${st.hex}`);
      expect(again.status).toBe(200);
      expect(Buffer.compare(new Uint8Array(await again.arrayBuffer()), st.data)).toBe(0);
      expect(await metric(srv, MOVED)).toBe(1);
    }, 20_000);
  }

  test("a foreign header and no subtree to build from: 500 whose message names the file, and the file stays", async () => {
    srv = await startTestServer();
    const hash = crypto.getRandomValues(new Uint8Array(32));
    const bytes = Buffer.concat([ascii("B-1.0   "), crypto.getRandomValues(new Uint8Array(1000))]);
    const path = await plant(srv, hash, bytes);

    const res = await fetch(`${srv.api}/subtree_data/${toDisplayHex(hash)}`);
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toContain("application/json");
    const { message } = (await res.json()) as { message: string };
    expect(message).toContain(path);
    expect(existsSync(path)).toBe(true);
    expect(Buffer.compare(new Uint8Array(await Bun.file(path).arrayBuffer()), bytes)).toBe(0);
    expect(readdirSync(dirname(path)).filter((f) => f.includes(".bad-"))).toEqual([]);
    expect(await metric(srv, MOVED)).toBe(0);
    await idle(srv);
  }, 20_000);

  for (const short of ["SD-1.0", "SD-", "x"]) {
    test(`a file shorter than the 8-byte header (${JSON.stringify(short)}) is never a 200 of its bytes: with no subtree a 500, the file stays`, async () => {
      srv = await startTestServer();
      const hash = crypto.getRandomValues(new Uint8Array(32));
      const path = await plant(srv, hash, ascii(short));
      const res = await fetch(`${srv.api}/subtree_data/${toDisplayHex(hash)}`);
      expect(res.status).toBe(500);
      const { message } = (await res.json()) as { message: string };
      expect(message).toContain(path);
      expect(existsSync(path)).toBe(true);
      await idle(srv);
    }, 20_000);

    test(`a file shorter than the 8-byte header (${JSON.stringify(short)}) where the subtree is stored: moved aside and built afresh`, async () => {
      srv = await startTestServer();
      const st = await seedSubtree(srv, 300);
      const path = await plant(srv, st.hash, ascii(short));
      const res = await fetch(`${srv.api}/subtree_data/${st.hex}`);
      expect(res.status).toBe(200);
      expect(Buffer.compare(new Uint8Array(await res.arrayBuffer()), st.data)).toBe(0);
      await idle(srv);
      expect(readdirSync(dirname(path)).filter((f) => f.startsWith(`${basename(path)}.bad-`))).toHaveLength(1);
      expect(await metric(srv, MOVED)).toBe(1);
    }, 20_000);
  }
});
