import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Pinned: the check must mean the same thing on every run. 6.x needs Node ≥ 22, so it runs on Bun. */
export const VERDACCIO_VERSION = "6.10.4";

/** A real local npm registry, empty, that accepts anonymous publishes of @subtreekit/*. */
export interface LocalRegistry {
  url: string;
  stop(): Promise<void>;
}

/** Installs Verdaccio once into a cache folder under the OS temp dir (a minute the first time). */
function verdaccioBin(): string {
  const dir = join(tmpdir(), `subtreekit-verdaccio-${VERDACCIO_VERSION}`);
  const bin = join(dir, "node_modules/verdaccio/bin/verdaccio");
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "verdaccio-host", private: true }));
  const r = Bun.spawnSync(["bun", "add", `verdaccio@${VERDACCIO_VERSION}`], {
    cwd: dir,
    stdout: "pipe",
    stderr: "pipe",
  });
  if (r.exitCode !== 0) throw new Error(`installing verdaccio failed:\n${r.stderr.toString()}`);
  return bin;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
function freePort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = listener.port;
  listener.stop(true);
  return port;
}

/**
 * Starts Verdaccio on a free port with storage in a fresh temp folder and no uplinks: only what
 * is published to it is there (consumers get everything else through their default registry).
 */
export async function startLocalRegistry({ signal }: { signal?: AbortSignal } = {}): Promise<LocalRegistry> {
  const bin = verdaccioBin();
  const dir = mkdtempSync(join(tmpdir(), "stk-registry-"));
  const config = `storage: ${join(dir, "storage")}
auth:
  htpasswd:
    file: ${join(dir, "htpasswd")}
    max_users: -1
uplinks: {}
packages:
  "@subtreekit/*":
    access: $all
    publish: $anonymous $all
  "**":
    access: $all
    publish: $authenticated
log: { type: stdout, format: pretty, level: warn }
`;
  writeFileSync(join(dir, "config.yaml"), config);
  const port = freePort();
  const url = `http://127.0.0.1:${port}/`;
  const proc = Bun.spawn(["bun", bin, "--config", join(dir, "config.yaml"), "--listen", `127.0.0.1:${port}`], {
    cwd: dir,
    stdout: Bun.file(join(dir, "verdaccio.log")),
    stderr: Bun.file(join(dir, "verdaccio.err")),
  });
  const stop = async () => {
    proc.kill();
    await proc.exited;
  };
  signal?.addEventListener("abort", () => void stop(), { once: true });
  // Up to two minutes: on a busy machine Verdaccio takes tens of seconds to load.
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) break;
    const ok = await fetch(`${url}-/ping`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, stop };
    await Bun.sleep(200);
  }
  await stop();
  throw new Error(`verdaccio did not answer on ${url} (log in ${dir})`);
}
