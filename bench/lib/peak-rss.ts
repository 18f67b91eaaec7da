import { readFileSync } from "node:fs";

/**
 * Runs `cmd` as a child and samples its VmHWM (peak RSS) every 20 ms: the child's own high-water
 * mark, so a short peak between samples is still seen. Returns it in bytes, with the wall time,
 * exit code and stdout.
 */
export async function peakRss(cmd: string[]): Promise<{ peak: number; seconds: number; code: number; out: string }> {
  const t0 = performance.now();
  const child = Bun.spawn(cmd, { stdout: "pipe", stderr: "inherit" });
  let peak = 0;
  const read = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch {
      // the child has exited between polls
    }
  };
  const timer = setInterval(read, 20);
  const out = await new Response(child.stdout).text();
  const code = await child.exited;
  clearInterval(timer);
  return { peak, seconds: (performance.now() - t0) / 1000, code, out };
}
