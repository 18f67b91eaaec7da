import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./paths.ts";

/** The asset server as `bun start` runs it: a demo block seeded into `./data` of a fresh folder. */
export interface DemoServer {
  /** Base URL of the API, e.g. `http://localhost:41234/api/v1`. */
  url: string;
  /** The folder it runs in (its data is under `data/`). */
  cwd: string;
  stop(): Promise<void>;
}

/** Starts the real asset server (`start --port 0`) as a child process and waits for its URL. */
export async function startDemoServer({ signal }: { signal?: AbortSignal } = {}): Promise<DemoServer> {
  const cwd = mkdtempSync(join(tmpdir(), "stk-demo-"));
  const proc = Bun.spawn(["bun", join(REPO_ROOT, "apps/asset-server/src/main.ts"), "start", "--port", "0"], {
    cwd,
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, NO_COLOR: "1" },
  });
  const stop = async () => {
    proc.kill();
    await proc.exited;
  };
  signal?.addEventListener("abort", () => void stop(), { once: true });
  const decoder = new TextDecoder();
  let seen = "";
  const reader = proc.stdout.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    seen += decoder.decode(r.value, { stream: true });
    const m = /asset server on (http:\/\/\S+\/api\/v1)/.exec(seen);
    if (m) {
      // Keep draining its output so the server never blocks on a full pipe.
      void (async () => {
        while (!(await reader.read()).done) {}
      })();
      return { url: m[1] as string, cwd, stop };
    }
  }
  const err = await new Response(proc.stderr).text();
  throw new Error(`the demo asset server exited (${await proc.exited}) before printing its URL:\n${seen}${err}`);
}
