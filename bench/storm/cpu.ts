import { readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on every mainstream Linux). */
const USER_HZ = 100;

/**
 * CPU seconds (user + system) a live process has used so far, from /proc/<pid>/stat; undefined
 * once it is gone. Fields 14 and 15 count after the `(comm)` field, which may contain spaces.
 */
export function cpuSeconds(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After "(comm) ": state is fields[0], so utime (14th overall) is fields[11], stime fields[12].
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}
