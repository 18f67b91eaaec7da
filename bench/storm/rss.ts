import { readdirSync, readFileSync } from "node:fs";

/** VmRSS of one process in bytes, or undefined once it is gone. */
export function vmRssBytes(pid: number): number | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  // A zombie has no VmRSS line: it holds no memory any more.
  return m ? Number(m[1]) * 1024 : 0;
}

/** Direct children of `pid`, from every thread's `children` file (Linux ≥ 3.5). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim().split(/\s+/)) {
        if (c) out.push(Number(c));
      }
    } catch {
      // thread exited between readdir and read
    }
  }
  return out;
}

/**
 * RSS of `pid` plus every descendant (the server spawns none today, but a future worker or
 * helper process would otherwise hide memory from the chart). Undefined when `pid` is gone.
 */
export function treeRssBytes(pid: number): number | undefined {
  const own = vmRssBytes(pid);
  if (own === undefined) return undefined;
  let total = own;
  const queue = childPids(pid);
  for (let i = 0; i < queue.length && i < 10_000; i++) {
    const c = queue[i] as number;
    total += vmRssBytes(c) ?? 0;
    queue.push(...childPids(c));
  }
  return total;
}
