import { type ServerProcess, startServerProcess } from "../../../testing/server-process.ts";

/** One asset-server replica: `bun apps/asset-server/src/main.ts serve` as a child process. */
export interface Replica extends ServerProcess {
  /** Sum of a metric's samples whose labels contain every `labels` pair. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** SIGKILL: no cleanup at all, like a crashed machine (its Postgres session dies with its sockets). */
  kill9(): Promise<void>;
}

export interface ReplicaOptions {
  /** `txstore`, e.g. `postgres://…/test?schema=…`. */
  txstore: string;
  /** Shared blob directory. */
  blobDir: string;
  /** More settings (env keys). */
  env?: Record<string, string>;
  /** Entry file to run instead of `main.ts serve` (e.g. the slowed replica of the kill test). */
  entry?: string;
  /** Ms to wait for /health. Default 15000. */
  readyMs?: number;
}

export async function startReplica(o: ReplicaOptions): Promise<Replica> {
  const server = await startServerProcess({
    cwd: o.blobDir,
    env: {
      txstore: o.txstore,
      // fsync=none: the test is about coordination, not durability; it keeps the disk out of the timings.
      subtreestore: `file://${o.blobDir}?fsync=none`,
      ...o.env,
    },
    ...(o.entry ? { cmd: [process.execPath, o.entry] } : {}),
    timeoutMs: o.readyMs ?? 15_000,
    // Bun prints each deliberately aborted stream body (a follower cut after its builder died);
    // shown only on request, to keep test output readable.
    echoStderr: Boolean(process.env.SUBTREEKIT_REPLICA_STDERR),
  });
  return Object.assign(server, {
    async metric(name: string, labels: Record<string, string> = {}) {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      let sum = 0;
      for (const line of text.split("\n")) {
        if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
        if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
          sum += Number(line.split(" ").pop());
      }
      return sum;
    },
    kill9: server.kill,
  });
}
