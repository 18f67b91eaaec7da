import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openTxStore } from "@subtreekit/stores";
import type { Server } from "bun";
import { runCli } from "../testing/run-cli.ts";

// Issue 16, defect 5: a taken port printed Bun's source excerpt and stack; now one line and exit 1.
const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), "asset-port-taken-"));
  dirs.push(d);
  return d;
};
let holder: Server<unknown>;
beforeAll(() => {
  holder = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("held") });
});
afterAll(async () => {
  await holder.stop(true);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const env: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
for (const k of ["txstore", "subtreestore", "TXSTORE", "SUBTREESTORE", "asset_httpListenAddress", "logLevel"]) {
  delete env[k];
}

/** The run printed exactly the one line, no stack, nothing on stdout that says it listened; the holder still answers. */
async function expectOneLine(run: Awaited<ReturnType<typeof runCli>>) {
  expect(run.code).toBe(1);
  expect(run.stderr).toBe(`cannot listen on 127.0.0.1:${holder.port}: address in use\n`);
  expect(run.stderr + run.stdout).not.toMatch(/^\s+at /m);
  expect(run.stdout).not.toContain("listening");
  expect(await (await fetch(`http://127.0.0.1:${holder.port}/`)).text()).toBe("held");
}

describe("a port another process holds (a real Bun.serve in this test)", () => {
  test("serve (asset_httpListenAddress) prints one line and exits 1", async () => {
    const cwd = fresh();
    const run = await runCli(["serve"], {
      cwd,
      env: { ...env, asset_httpListenAddress: `127.0.0.1:${holder.port}` },
    });
    await expectOneLine(run);
  }, 30_000);

  test("start --host --port prints one line, exits 1 and seeds nothing into the fresh data dir", async () => {
    const cwd = fresh();
    const run = await runCli(["start", "--host", "127.0.0.1", "--port", String(holder.port)], { cwd, env });
    await expectOneLine(run);
    expect(run.stdout).toBe("");
    const txs = await openTxStore(`sqlite://${cwd}/data/txstore.sqlite`);
    expect(await txs.count()).toBe(0);
    await txs.close();
  }, 30_000);

  test("start on a store that already has a block (no seeding, the real listen fails) prints one line, exits 1", async () => {
    const cwd = fresh();
    const seeded = await runCli(["seed", "--subtrees", "1", "--txs", "4", "--tx-bytes", "250"], { cwd, env });
    expect(seeded.code).toBe(0);
    const run = await runCli(["start", "--host", "127.0.0.1", "--port", String(holder.port)], { cwd, env });
    await expectOneLine(run);
    expect(run.stdout).toBe("");
  }, 30_000);
});
