// A bench child that serves the asset server and, in the same process, a bare baseline app on
// its own port, announced as `PORT <asset> BASELINE <baseline>` on stderr (stdout carries the
// server's log lines, whose cost is part of what is measured).

export interface BaselineChild {
  port: number;
  baseline: number;
  pid: number;
  kill: () => void;
}

/** Runs `bun <script> ...args` and resolves once it announced both ports. */
export async function spawnWithBaseline(script: string, args: string[]): Promise<BaselineChild> {
  const child = Bun.spawn(["bun", script, ...args], { stdout: "ignore", stderr: "pipe" });
  const reader = child.stderr.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server exited: ${text}`);
    text += decoder.decode(value, { stream: true });
    const m = /PORT (\d+) BASELINE (\d+)/.exec(text);
    if (m) {
      reader.releaseLock();
      void child.stderr.pipeTo(new WritableStream()).catch(() => {});
      return { port: Number(m[1]), baseline: Number(m[2]), pid: child.pid, kill: () => child.kill() };
    }
  }
}
