import { basename } from "node:path";

/**
 * The temp file name of a build that holds the lock, derived from the final blob's name and the
 * Postgres backend pid of the lock holder's session: `.<hash>.subtreeData.p<pid>.tmp`.
 *
 * Why the pid: a follower looks the holder up in `pg_locks` and opens exactly that builder's
 * file. A file left by a builder that was killed (whose session, hence pid, is gone) is never
 * mistaken for the live one, and a new builder never has to reuse or delete a name a follower may
 * still have open. The shape matches the sink's temp pattern, so the start-up sweep removes leftovers.
 */
export function leaseTempName(finalPath: string, pid: number): string {
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new TypeError(`a backend pid is a positive integer, got ${pid}`);
  return `.${basename(finalPath)}.p${pid}.tmp`;
}
