// Load runs with wrk, shared by the benches that compare the asset server with a bare baseline.
import { readFileSync } from "node:fs";

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in USER_HZ (100 on Linux)
  } catch {
    return Number.NaN;
  }
}

export interface WrkResult {
  rps: number;
  /** Responses whose status was not 2xx or 3xx. */
  non2xx: number;
  requests: number;
}

/** `wrk -t2 -c<connections> -d<seconds>s [-s script] url`, its figures parsed. */
export async function wrk(
  url: string,
  seconds: number,
  { connections = 64, script }: { connections?: number; script?: string | undefined } = {},
): Promise<WrkResult> {
  const args = [
    "wrk",
    "-t",
    "2",
    "-c",
    String(connections),
    "-d",
    `${seconds}s`,
    ...(script ? ["-s", script] : []),
    url,
  ];
  const p = Bun.spawn(args, { stdout: "pipe" });
  const out = await new Response(p.stdout).text();
  await p.exited;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  return { rps, non2xx, requests };
}
