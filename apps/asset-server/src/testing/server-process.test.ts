import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServerProcess } from "./server-process.ts";
import { ServerStartError } from "./server-start-error.ts";

const dir = mkdtempSync(join(tmpdir(), "server-process-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in server: prints two pino-style lines, then answers every request on the given address. */
const FAKE_SERVER = [
  process.execPath,
  "-e",
  `const [hostname, port] = process.env.asset_httpListenAddress.split(":");
   console.log(JSON.stringify({ level: 40, msg: "a warning" }));
   console.log(JSON.stringify({ level: 30, msg: "an info line" }));
   Bun.serve({ hostname, port: Number(port), fetch: () => new Response("ok") });`,
];
const NEVER_LISTENS = [process.execPath, "-e", "setInterval(() => {}, 1000)"];
const isWarning = (line: string) => line.includes('"level":40');

describe("startServerProcess", () => {
  test("the real server: waits for /health, and stop() runs its shutdown path to exit 0", async () => {
    const server = await startServerProcess({
      cwd: dir,
      env: { txstore: `sqlite://${join(dir, "tx.sqlite")}`, subtreestore: `file://${join(dir, "blobs")}?fsync=none` },
    });
    expect(server.api).toBe(`${server.url}/api/v1`);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect(await server.stop()).toBe(0);
  }, 60_000);

  test("collects the stdout lines that pass `collect` and tees all of stdout to `logFile`", async () => {
    const logFile = join(dir, "server.log");
    const server = await startServerProcess({ cwd: dir, cmd: FAKE_SERVER, collect: isWarning, logFile });
    await server.kill();
    expect(server.collected).toEqual([JSON.stringify({ level: 40, msg: "a warning" })]);
    expect(readFileSync(logFile, "utf8")).toContain('"msg":"an info line"');
    expect(server.output()).toContain('"msg":"a warning"');
  }, 30_000);

  test("a child that exits first fails the start with its exit code and stderr", async () => {
    const cmd = [process.execPath, "-e", "console.error('bad setting: asset_idle_timeout_s'); process.exit(3)"];
    const error = await startServerProcess({ cwd: dir, cmd }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerStartError);
    const e = error as ServerStartError;
    expect(e.code).toBe("SERVER_EXITED");
    expect(e.exitCode).toBe(3);
    expect(e.stderr).toContain("bad setting: asset_idle_timeout_s");
    expect(e.message).toContain("bad setting: asset_idle_timeout_s");
  }, 30_000);

  test("an aborted signal stops the wait (the child is killed) and is the error's cause", async () => {
    const controller = new AbortController();
    const reason = new Error("test gave up");
    const starting = startServerProcess({ cwd: dir, cmd: NEVER_LISTENS, signal: controller.signal });
    controller.abort(reason);
    const error = (await starting.catch((e: unknown) => e)) as ServerStartError;
    expect(error.code).toBe("SERVER_START_ABORTED");
    expect(error.cause).toBe(reason);
  }, 30_000);

  test("a signal aborted before the call spawns nothing", async () => {
    const error = (await startServerProcess({ cwd: dir, signal: AbortSignal.abort() }).catch(
      (e: unknown) => e,
    )) as ServerStartError;
    expect(error.code).toBe("SERVER_START_ABORTED");
  });

  test("a child that never answers fails with a timeout", async () => {
    const error = (await startServerProcess({ cwd: dir, cmd: NEVER_LISTENS, timeoutMs: 500 }).catch(
      (e: unknown) => e,
    )) as ServerStartError;
    expect(error.code).toBe("SERVER_START_TIMEOUT");
  }, 30_000);
});
