import { ASSET_SERVER_MAIN } from "./server-process.ts";

export interface CliRun {
  /** Exit code, or `undefined` when it was still running at the deadline (then it was killed). */
  code: number | undefined;
  stdout: string;
  stderr: string;
  /** How long it ran, in ms. */
  ms: number;
}

/**
 * Runs `subtreekit-asset <args>` as a child process in `cwd` and waits for it to exit on its own,
 * at most `deadlineMs` (default 10000); a child still running then is SIGKILLed and reported with
 * `code: undefined`. For commands that should end by themselves (help, usage errors, a failed
 * start): a `serve` that started listening by mistake shows up as a timeout, not a hung test.
 *
 * @example
 * const run = await runCli(["--help"], { cwd: dir, env: { asset_httpListenAddress: `127.0.0.1:${port}` } });
 * expect(run.code).toBe(0);
 */
export async function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; deadlineMs?: number },
): Promise<CliRun> {
  const t0 = performance.now();
  const child = Bun.spawn([process.execPath, ASSET_SERVER_MAIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.deadlineMs ?? 10_000);
  try {
    const [stdout, stderr, exit] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ]);
    const killed = child.signalCode === "SIGKILL";
    return { code: killed ? undefined : exit, stdout, stderr, ms: performance.now() - t0 };
  } finally {
    clearTimeout(timer);
  }
}
