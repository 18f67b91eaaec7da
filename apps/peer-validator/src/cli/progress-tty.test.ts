import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireVectors, vectorPath } from "@subtreekit/testkit";
import { importWithCli, type RealServer, startRealServer } from "../testing/asset-server.ts";
import { runValidatorInPty, SCRIPT } from "../testing/run-in-pty.ts";
import { runValidator } from "../testing/run-validator.ts";

const vectors = requireVectors("peer-validator progress bar on a TTY");
if (!SCRIPT) console.warn("skipped: the progress bar test needs util-linux `script` (apt-get install bsdutils)");
const B171 = "0000000023ffe4075b18e77ce7342b90a7deeb92e4b3681551253291c3522824";

// One frame of the bar: "<bar> 12/32 subtrees | 2133 tx/s | 0.6 MB/s | retries 0 | 503s 0 | <peer>"
const FRAME =
  /[█░]{40} (?<done>\d+)\/(?<total>\d+) subtrees \| (?<txps>\d+) tx\/s \| (?<mbps>\d+\.\d) MB\/s \| retries (?<retries>\d+) \| 503s (?<s503>\d+) \| (?<peer>\S+)/;
// CSI escape sequences (cursor column, erase line, hide/show cursor, line wrap)
const CSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** The bar's frames: cli-progress starts each redraw by moving to column 1. */
function frames(screen: string) {
  return screen
    .split("\x1b[1G")
    .map((part) => part.replace(CSI, "").trim())
    .map((text) => FRAME.exec(text)?.groups)
    .filter((g) => g !== undefined);
}

describe.skipIf(!vectors || !SCRIPT)("progress bar (the CLI under a real pseudo-terminal)", () => {
  let server: RealServer;
  let front: ReturnType<typeof Bun.serve>;
  let peer: string;
  const dirs: string[] = [];
  const cwd = () => {
    const d = mkdtempSync(join(tmpdir(), "stk-validate-tty-"));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    server = await startRealServer();
    await importWithCli(server, [vectorPath("171", `${B171}.block`)]);
    // our real asset server behind a front that answers the first subtree_data request of each
    // run with 503 (Retry-After: 0), so the bar has a retry and a 503 to show
    let busy = true;
    front = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      idleTimeout: 0,
      async fetch(req) {
        const url = new URL(req.url);
        if (busy && url.pathname.includes("/subtree_data/")) {
          busy = false;
          return Response.json({ message: "busy" }, { status: 503, headers: { "retry-after": "0" } });
        }
        if (url.pathname.includes("/block/")) busy = true; // a new run
        return fetch(`${server.api.replace(/\/api\/v1$/, "")}${url.pathname}`, {
          method: req.method,
          body: req.method === "POST" ? await req.arrayBuffer() : undefined,
        });
      },
    });
    peer = `http://127.0.0.1:${front.port}/api/v1`;
  }, 60_000);
  afterAll(async () => {
    await front?.stop(true);
    await server?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test("on a TTY the bar shows subtrees, tx/s, MB/s, retries, 503s seen and the current peer", async () => {
    const r = await runValidatorInPty(["block", B171, "--peer", peer], cwd());
    expect(r.code).toBe(0);
    // cli-progress hides the cursor while drawing and shows it again at the end
    expect(r.screen).toContain("\x1b[?25l");
    expect(r.screen).toContain("\x1b[?25h");
    const all = frames(r.screen);
    expect(all.length).toBeGreaterThan(0);
    for (const f of all) {
      expect(Number(f.total)).toBe(32);
      expect(f.peer).toBe(peer);
    }
    // the last frame is drawn at the end with the run's totals
    const last = all.at(-1)!;
    expect(last.done).toBe("32");
    expect(Number(last.txps)).toBeGreaterThan(0);
    expect(Number(last.mbps)).toBeGreaterThan(0);
    expect(last.retries).toBe("1");
    expect(last.s503).toBe("1");
    // the summary still follows the bar
    expect(r.screen).toMatch(/ok: 1 block\(s\), 32 subtree\(s\), 1023 txs verified .* 1 retries \(1 × 503\)/);
  }, 60_000);

  test("piped (not a TTY): no bar and no escape codes, plain lines and the summary only", async () => {
    const r = await runValidator(["block", B171, "--peer", peer], cwd());
    expect(r.code).toBe(0);
    const out = r.stdout + r.stderr;
    expect(out).not.toContain("\x1b[");
    expect(out).not.toContain(" subtrees | ");
    expect(out).not.toMatch(/[█░]/);
    expect(r.stdout).toMatch(/^ok: 1 block\(s\), 32 subtree\(s\), 1023 txs verified/m);
  }, 60_000);
});
