import type { Subprocess } from "bun";

/** A real asset server started as `main.ts serve` in a child process. */
export interface ServerProcess {
  /** e.g. `http://127.0.0.1:40123` */
  url: string;
  /** `url` + API prefix */
  api: string;
  pid: number;
  proc: Subprocess;
  /** Log lines the server wrote with level ≥ warn (pino JSON, level 40+), kept for the report. */
  warnings: string[];
  /** SIGKILL, like the OOM killer (no cleanup runs). */
  kill(): Promise<void>;
  /** SIGTERM and wait for a clean exit (the server's own shutdown path). */
  stop(): Promise<number>;
}

export class ServerStartError extends Error {
  override name = "ServerStartError" as const;
  readonly code = "SERVER_START" as const;
}

/** A free TCP port on 127.0.0.1: bind port 0, read the port, close. */
export function freePort(): number {
  const l = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = l.port;
  l.stop(true);
  return port;
}

/**
 * Starts `bun <main.ts> serve` with `env` as its settings (same key names as settings.conf) on a
 * free port, and waits until `/health` answers. The server's "listening" line is info-level and
 * the benchmark runs it at warn (a log line per request would be measured as server work), so
 * the port is chosen here. stdout is drained all along: an unread pipe would block the server's
 * logger once the pipe buffer fills, and that would be measured as server slowness.
 */
export async function startServerProcess(options: {
  mainPath: string;
  cwd: string;
  env: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Every line the server prints goes here too (`--server-log`), for reading a run afterwards. */
  logFile?: string;
}): Promise<ServerProcess> {
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = Bun.spawn([process.execPath, options.mainPath, "serve"], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, asset_httpListenAddress: `127.0.0.1:${port}` },
    stdout: "pipe",
    stderr: "pipe",
  });
  const warnings: string[] = [];
  const stderr = new Response(proc.stderr).text();
  const drain = (async () => {
    const decoder = new TextDecoder();
    let rest = "";
    const reader = proc.stdout.getReader();
    const log = options.logFile ? Bun.file(options.logFile).writer() : undefined;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        await log?.end();
        break;
      }
      log?.write(value);
      rest += decoder.decode(value, { stream: true });
      let nl = rest.indexOf("\n");
      while (nl >= 0) {
        const line = rest.slice(0, nl);
        rest = rest.slice(nl + 1);
        nl = rest.indexOf("\n");
        if (!line.startsWith("{")) continue;
        try {
          const entry = JSON.parse(line) as { level?: number };
          if ((entry.level ?? 0) >= 40 && warnings.length < 1000) warnings.push(line);
        } catch {
          // not a log line
        }
      }
    }
  })();
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
  const signals = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const failed = new Promise<never>((_, reject) => {
    signals.addEventListener("abort", () => reject(new ServerStartError("server did not answer /health in time")), {
      once: true,
    });
    proc.exited.then(async (code) =>
      reject(new ServerStartError(`server exited with ${code} before listening: ${(await stderr).slice(-2000)}`)),
    );
  });
  const ready = (async () => {
    while (!signals.aborted) {
      try {
        const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        return;
      } catch {
        await Bun.sleep(50);
      }
    }
    throw new ServerStartError("server did not answer /health in time");
  })();
  try {
    await Promise.race([ready, failed]);
  } catch (error) {
    proc.kill("SIGKILL");
    throw error;
  }
  void drain.catch(() => {});
  const prefix = options.env.asset_apiPrefix ?? "/api/v1";
  return {
    url,
    api: `${url}${prefix}`,
    pid: proc.pid,
    proc,
    warnings,
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
