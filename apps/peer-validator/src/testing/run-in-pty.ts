import { MAIN } from "./run-validator.ts";

/** util-linux `script`, which runs a command under a fresh pseudo-terminal; undefined when absent. */
export const SCRIPT: string | undefined = Bun.which("script") ?? undefined;

export interface PtyRun {
  code: number;
  /** Everything the CLI wrote to the terminal (stdout and stderr both), escape codes included. */
  screen: string;
}

/** A shell word: single-quoted, so URLs and paths reach the command as given. */
const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * Runs `subtreekit-validate` as a child process whose stdout and stderr are a real
 * pseudo-terminal (`script -qec "<command>" /dev/null`), as a person at a terminal runs it: the
 * CLI sees `isTTY` and draws its progress bar. The terminal is set to `cols` columns first, since
 * a pty made without a terminal on our side has no size and the bar library cuts a line at 80.
 */
export async function runValidatorInPty(args: string[], cwd: string, cols = 250): Promise<PtyRun> {
  if (!SCRIPT) throw new Error("util-linux `script` is not installed");
  const command = `stty cols ${cols} rows 50; exec ${["bun", MAIN, ...args].map(quote).join(" ")}`;
  const p = Bun.spawn([SCRIPT, "-qec", command, "/dev/null"], {
    cwd,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, NO_COLOR: "1", TERM: "xterm" },
  });
  const [screen, err, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { code, screen: screen + err };
}
