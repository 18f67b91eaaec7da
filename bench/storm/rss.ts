import { readdirSync, readFileSync } from "node:fs";

/**
 * Resident memory of one process in bytes, from /proc/<pid>/status: `rss` (VmRSS, what the issue
 * asks for and what an OOM killer compares), split into `anon` (RssAnon: heap, buffers — what
 * grows without bound in the incident) and `file` (RssFile: mapped file pages, e.g. SQLite's
 * mmap of the tx store, which the kernel can drop). Undefined once the process is gone.
 */
export interface Mem {
  rss: number;
  anon: number;
  file: number;
}

export function memOf(pid: number): Mem | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  // A zombie has no Rss lines: it holds no memory any more.
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+)\\s+kB$`, "m").exec(status);
    return m ? Number(m[1]) * 1024 : 0;
  };
  return { rss: kb("VmRSS"), anon: kb("RssAnon"), file: kb("RssFile") };
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
 * Memory of `pid` plus every descendant (the server spawns none today, but a future worker or
 * helper process would otherwise hide memory from the chart). Undefined when `pid` is gone.
 */
export function treeMem(pid: number): Mem | undefined {
  const own = memOf(pid);
  if (own === undefined) return undefined;
  const total = { ...own };
  const queue = childPids(pid);
  for (let i = 0; i < queue.length && i < 10_000; i++) {
    const c = queue[i] as number;
    const m = memOf(c);
    if (m) {
      total.rss += m.rss;
      total.anon += m.anon;
      total.file += m.file;
    }
    queue.push(...childPids(c));
  }
  return total;
}
