import { createServer } from "node:net";
import { join } from "node:path";
import { REPO_ROOT } from "@subtreekit/testkit";

/** One asset-server replica: `bun apps/asset-server/src/main.ts serve` as a child process. */
export interface Replica {
  readonly url: string;
  readonly api: string;
  readonly proc: ReturnType<typeof Bun.spawn>;
  /** Sum of a metric's samples whose labels contain every `labels` pair. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** SIGKILL: no cleanup at all, like a crashed machine (its Postgres session dies with its sockets). */
  kill9(): Promise<void>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
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

/** A port that was free a moment ago (the replica binds it next; a clash fails its start-up loudly). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startReplica(o: ReplicaOptions): Promise<Replica> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const cmd = o.entry ? ["bun", o.entry] : ["bun", join(REPO_ROOT, "apps/asset-server/src/main.ts"), "serve"];
  const proc = Bun.spawn(cmd, {
    cwd: o.blobDir,
    env: {
      ...process.env,
      txstore: o.txstore,
      // fsync=none: the test is about coordination, not durability; it keeps the disk out of the timings.
      subtreestore: `file://${o.blobDir}?fsync=none`,
      asset_httpListenAddress: `127.0.0.1:${port}`,
      logLevel: "warn",
      ...o.env,
    },
    stdout: "ignore",
    // Bun prints each deliberately aborted stream body (a follower cut after its builder died);
    // shown only on request, to keep test output readable.
    stderr: process.env.SUBTREEKIT_REPLICA_STDERR ? "inherit" : "ignore",
  });
  const deadline = performance.now() + (o.readyMs ?? 15_000);
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`replica on port ${port} exited with ${proc.exitCode}`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (performance.now() > deadline) {
      proc.kill(9);
      throw new Error(`replica on port ${port} not healthy in time`);
    }
    await Bun.sleep(50);
  }
  return {
    url,
    api: `${url}/api/v1`,
    proc,
    async metric(name, labels = {}) {
      const text = await (await fetch(`${url}/metrics`)).text();
      let sum = 0;
      for (const line of text.split("\n")) {
        if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
        if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
          sum += Number(line.split(" ").pop());
      }
      return sum;
    },
    async kill9() {
      proc.kill(9);
      await proc.exited;
    },
    async stop() {
      proc.kill("SIGTERM");
      return proc.exited;
    },
  };
}
