import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openTxStore } from "@subtreekit/stores";
import { REPO_ROOT } from "@subtreekit/testkit";

const MAIN = join(import.meta.dir, "..", "main.ts");
const cwd = mkdtempSync(join(tmpdir(), "asset-start-"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

// As on a fresh clone: no store settings in the environment, so `./data` under cwd is used.
const baseEnv = { ...process.env };
for (const k of ["txstore", "subtreestore", "asset_httpListenAddress", "TXSTORE", "SUBTREESTORE"]) delete baseEnv[k];

/** Runs `main.ts start` (what the root `bun start` runs) until it prints the commands to try. */
async function start(args: string[], env: Record<string, string> = {}) {
  const child = Bun.spawn(["bun", MAIN, "start", ...args], {
    cwd,
    env: { ...baseEnv, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const reader = child.stdout.getReader();
  let text = "";
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && !text.includes("bun apps/peer-validator")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  void child.stdout.pipeTo(new WritableStream()).catch(() => {});
  if (!text.includes("bun apps/peer-validator")) {
    child.kill(9);
    throw new Error(`start did not print its commands: ${text} ${await new Response(child.stderr).text()}`);
  }
  // Human lines only: the server's JSON log lines may be interleaved.
  const lines = text.split("\n").filter((l) => !l.startsWith("{"));
  const curls = lines.filter((l) => l.trim().startsWith("curl -s ")).map((l) => l.trim().split(" ")[2] as string);
  const validator = lines.find((l) => l.includes("bun apps/peer-validator"))?.trim() as string;
  return { child, lines, curls, validator };
}

async function stop(child: ReturnType<typeof Bun.spawn>) {
  child.kill("SIGTERM");
  return child.exited;
}

describe("start (child process in a fresh directory)", () => {
  test("first start seeds a demo block, its three curls answer 200, the validator command verifies; a second start does not seed", async () => {
    const first = await start(["--port", "0"]);
    expect(first.lines.some((l) => l.startsWith("empty store: seeded a demo block"))).toBe(true);
    expect(existsSync(join(cwd, "data", "txstore.sqlite"))).toBe(true);
    expect(existsSync(join(cwd, "data", "subtreestore"))).toBe(true);
    expect(first.curls).toHaveLength(3);
    const [subtreeJson, subtreeData, blockJson] = first.curls as [string, string, string];
    expect(subtreeJson).toMatch(/^http:\/\/localhost:\d+\/api\/v1\/subtree\/[0-9a-f]{64}\/json$/);

    const a = await fetch(subtreeJson);
    expect(a.status).toBe(200);
    expect((await a.json()).pagination.totalRecords).toBe(1000);
    const b = await fetch(subtreeData);
    expect(b.status).toBe(200);
    expect((await b.arrayBuffer()).byteLength).toBe(1000 * 250);
    const c = await fetch(blockJson);
    expect(c.status).toBe(200);
    const block = await c.json();
    expect(block.transaction_count).toBe(4000);
    expect(block.subtrees).toHaveLength(4);

    // The printed peer-validator command, run from the repo layout it names (own cwd for its stores).
    const argv = first.validator.split(" ");
    argv[1] = join(REPO_ROOT, argv[1] as string);
    const v = Bun.spawn(argv, { cwd, env: baseEnv, stdout: "pipe", stderr: "pipe" });
    const out = await new Response(v.stdout).text();
    expect(await v.exited).toBe(0);
    expect(out).toContain("1000 txs verified");
    expect(await stop(first.child)).toBe(0);

    // Second start, port from the setting this time: finds the block, seeds nothing.
    const second = await start([], { asset_httpListenAddress: ":0" });
    expect(second.lines.some((l) => l.includes("seeded"))).toBe(false);
    expect(second.curls).toEqual(
      first.curls.map((u) => u.replace(/localhost:\d+/, new URL(second.curls[0] as string).host)),
    );
    expect((await fetch(second.curls[2] as string)).status).toBe(200);
    expect(await stop(second.child)).toBe(0);
    const txs = await openTxStore(`sqlite://${cwd}/data/txstore.sqlite`);
    // 3999 txs + the coinbase, seeded once (the validator keeps its own store).
    expect(await txs.count()).toBe(4000);
    await txs.close();
  }, 60_000);

  test("a bad --port is a usage error (exit 2)", async () => {
    const child = Bun.spawn(["bun", MAIN, "start", "--port", "http"], { cwd, env: baseEnv, stderr: "pipe" });
    expect(await child.exited).toBe(2);
    expect(await new Response(child.stderr).text()).toContain("bad --port");
  }, 20_000);
});
