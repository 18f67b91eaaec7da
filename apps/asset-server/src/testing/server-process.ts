import { resolve } from "node:path";
import type { Subprocess } from "bun";
import { type ChildOutputOptions, drainChildOutput } from "./child-output.ts";
import { freePort } from "./free-port.ts";
import { ServerStartError } from "./server-start-error.ts";

export { freePort } from "./free-port.ts";
export { ServerStartError, type ServerStartErrorCode } from "./server-start-error.ts";

/** The asset server's CLI entry; `[bun, ASSET_SERVER_MAIN, "serve"]` is the default command. */
export const ASSET_SERVER_MAIN = resolve(import.meta.dir, "../main.ts");

/** Grace between SIGTERM and SIGKILL in `stop()`: a shutdown that hangs must not hang the test too. */
const STOP_GRACE_MS = 15_000;
/** One `/health` probe may not take longer than this; the next probe follows. */
const PROBE_TIMEOUT_MS = 1000;
const PROBE_INTERVAL_MS = 50;

export interface ServerProcessOptions extends ChildOutputOptions {
  /** Working directory of the child. */
  cwd: string;
  /** Settings as env keys (the names of settings.conf), on top of our own environment. */
  env?: Record<string, string>;
  /**
   * The command to run. Default `[bun, ASSET_SERVER_MAIN, "serve"]`; another entry lets a test run
   * `serve` with a failure-injecting or slowed store.
   */
  cmd?: string[];
  /** Port on 127.0.0.1. Default: a free one. Pass the old port to restart a server in place. */
  port?: number;
  /** How long to wait for `/health`. Default 30000: a server start on a loaded 2-CPU box can take seconds. */
  timeoutMs?: number;
  /** Gives up waiting (the child is killed). */
  signal?: AbortSignal;
}

/** A real asset server in a child process that has answered `/health`. */
export interface ServerProcess {
  /** e.g. `http://127.0.0.1:40123` */
  readonly url: string;
  /** `url` + the API prefix (`asset_apiPrefix`, default `/api/v1`). */
  readonly api: string;
  readonly port: number;
  readonly pid: number;
  readonly proc: Subprocess;
  /** The tail of everything it wrote to stdout and stderr so far (for assertions and failure messages). */
  output(): string;
  /** stdout lines that passed the `collect` option, in order. */
  readonly collected: string[];
  /** SIGKILL and wait for the exit (and its output): no cleanup runs, as with the OOM killer or a power cut. */
  kill(): Promise<void>;
  /** SIGTERM (the server's own shutdown path) and wait for the exit code; SIGKILL if it hangs. */
  stop(): Promise<number>;
}

/**
 * Starts the asset server (or another entry that runs `serve`) as a child process on
 * 127.0.0.1:`port` and waits until `/health` answers. Any answer counts, a 503 too: it shows the
 * server listens, and whether its stores are healthy is for the test to judge (a failure-injecting
 * store counts every probe's lookup as a call). Logs at warn unless `env.logLevel` says otherwise:
 * a line per request would be noise in tests and measured as server work in benchmarks.
 *
 * @example
 * const server = await startServerProcess({ cwd: dir, env: { txstore, subtreestore } });
 * try { await fetch(`${server.api}/subtree/${hash}`); } finally { await server.stop(); }
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const env = options.env ?? {};
  if (options.signal?.aborted) {
    throw new ServerStartError("SERVER_START_ABORTED", "server start aborted before spawning", {
      stderr: "",
      output: "",
      cause: options.signal.reason,
    });
  }
  const port = options.port ?? freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = Bun.spawn(options.cmd ?? [process.execPath, ASSET_SERVER_MAIN, "serve"], {
    cwd: options.cwd,
    env: { ...process.env, logLevel: "warn", ...env, asset_httpListenAddress: `127.0.0.1:${port}` },
    stdout: "pipe",
    stderr: "pipe",
  });
  const out = drainChildOutput(proc, options);

  const failure = await waitForHealth(url, proc, options);
  if (failure) {
    proc.kill("SIGKILL");
    await proc.exited;
    // The pipes close with the child; the tail then holds its last words.
    await out.done;
    throw new ServerStartError(failure.code, failure.message, {
      stderr: out.stderr(),
      output: out.output(),
      ...(failure.exitCode === undefined ? {} : { exitCode: failure.exitCode }),
      cause: failure.cause,
    });
  }

  return {
    url,
    api: `${url}${env.asset_apiPrefix ?? "/api/v1"}`,
    port,
    pid: proc.pid,
    proc,
    output: out.output,
    collected: out.collected,
    async kill() {
      proc.kill("SIGKILL");
      await proc.exited;
      await out.done;
    },
    async stop() {
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), STOP_GRACE_MS);
      try {
        const code = await proc.exited;
        // Its last lines are in `output()`, `collected` and the log file once this returns.
        await out.done;
        return code;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

type StartFailure = { code: ServerStartError["code"]; message: string; exitCode?: number; cause?: unknown };

/** Probes `/health` until it answers; returns why not if the child exits, time runs out or `signal` aborts. */
async function waitForHealth(
  url: string,
  proc: Subprocess,
  options: Pick<ServerProcessOptions, "timeoutMs" | "signal">,
): Promise<StartFailure | undefined> {
  const deadline = AbortSignal.timeout(options.timeoutMs ?? 30_000);
  const stop = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
  const exited = proc.exited.then((code) => ({ exitCode: code }));
  const exitedEarly = (exitCode: number): StartFailure => ({
    code: "SERVER_EXITED",
    message: `server exited with ${exitCode} before answering /health`,
    exitCode,
  });
  while (!stop.aborted) {
    if (proc.exitCode !== null) return exitedEarly(proc.exitCode);
    const probe = fetch(`${url}/health`, { signal: AbortSignal.any([AbortSignal.timeout(PROBE_TIMEOUT_MS), stop]) })
      .then(async (res) => {
        await res.arrayBuffer();
        return true;
      })
      .catch(() => false);
    const result = await Promise.race([probe, exited]);
    if (result === true) return undefined;
    if (result !== false) return exitedEarly(result.exitCode);
    await Promise.race([Bun.sleep(PROBE_INTERVAL_MS), exited]);
  }
  if (options.signal?.aborted) {
    return { code: "SERVER_START_ABORTED", message: "server start aborted", cause: options.signal.reason };
  }
  return {
    code: "SERVER_START_TIMEOUT",
    message: `server did not answer /health within ${options.timeoutMs ?? 30_000} ms`,
    cause: deadline.reason,
  };
}
