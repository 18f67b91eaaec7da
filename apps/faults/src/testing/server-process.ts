import { resolve } from "node:path";
import { REPO_ROOT } from "@subtreekit/testkit";
import type { Subprocess } from "bun";

/** A real asset server in a child process. */
export interface ServerProcess {
  url: string;
  api: string;
  port: number;
  pid: number;
  proc: Subprocess;
  /** Everything it wrote to stdout and stderr so far (for failure messages). */
  output(): string;
  /** SIGKILL: no cleanup runs, as with the OOM killer or a power cut. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit code (the server's own shutdown path). */
  stop(): Promise<number>;
}

export class ServerStartError extends Error {
  override name = "ServerStartError" as const;
  readonly code = "SERVER_START" as const;
}

export const MAIN = resolve(REPO_ROOT, "apps/asset-server/src/main.ts");

/** A free TCP port on 127.0.0.1 (bind port 0, read it, close), so a restart can reuse it. */
export function freePort(): number {
  const l = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = l.port;
  l.stop(true);
  return port;
}

/**
 * Starts `cmd` (default: `bun main.ts serve`) with `env` as settings on 127.0.0.1:`port` and waits
 * until `/health` answers. `cmd` lets a test start a server entry with a failure-injecting store.
 */
export async function startServer(options: {
  cwd: string;
  env: Record<string, string>;
  port?: number;
  cmd?: string[];
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const port = options.port ?? freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = Bun.spawn(options.cmd ?? [process.execPath, MAIN, "serve"], {
    cwd: options.cwd,
    env: { ...process.env, logLevel: "warn", ...options.env, asset_httpListenAddress: `127.0.0.1:${port}` },
    stdout: "pipe",
    stderr: "pipe",
  });
  let text = "";
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      // Bounded: the tests only need the tail for a failure message.
      text = (text + decoder.decode(value, { stream: true })).slice(-20_000);
    }
  };
  void pump(proc.stdout).catch(() => {});
  void pump(proc.stderr).catch(() => {});
  const deadline = performance.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    if (proc.exitCode !== null) throw new ServerStartError(`server exited with ${proc.exitCode}: ${text}`);
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      break;
    } catch {
      if (performance.now() > deadline) {
        proc.kill("SIGKILL");
        throw new ServerStartError(`server did not answer /health in time: ${text}`);
      }
      await Bun.sleep(50);
    }
  }
  return {
    url,
    api: `${url}/api/v1`,
    port,
    pid: proc.pid,
    proc,
    output: () => text,
    async kill() {
      proc.kill("SIGKILL");
      await proc.exited;
    },
    async stop() {
      proc.kill("SIGTERM");
      const t = setTimeout(() => proc.kill("SIGKILL"), 15_000);
      const code = await proc.exited;
      clearTimeout(t);
      return code;
    },
  };
}
