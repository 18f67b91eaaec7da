import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256d, toDisplayHex } from "@subtreekit/subtree-stream";
import { requirePostgres } from "@subtreekit/testkit";
import { waitFor } from "../../testing/wait.ts";
import { type BuildCoordinator, PostgresBuildCoordinator } from "./coordinator.ts";
import { lockKey, lockNamespace } from "./lock-key.ts";
import { openCoordinator } from "./open-coordinator.ts";

const pg = await requirePostgres("build coordinator tests");
const dir = mkdtempSync(join(tmpdir(), "coordinator-"));
const open: BuildCoordinator[] = [];
afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
// A fresh hash per test, so keys never clash with another test run on the same database.
const newHash = () => sha256d(new TextEncoder().encode(`coordinator ${process.pid} ${Date.now()} ${seq++}`));
const finalPath = (hash: Uint8Array) => join(dir, `${toDisplayHex(hash)}.subtreeData`);

/** A coordinator with its own pool: as another replica would have. */
async function replica(schema = "coord_test"): Promise<BuildCoordinator> {
  const c = await openCoordinator({ txstore: `${pg}?schema=${schema}`, createCap: 2, followTimeoutMs: 1000 });
  if (!c) throw new Error("expected a coordinator for a postgres URL");
  open.push(c);
  return c;
}

describe.skipIf(!pg)("PostgresBuildCoordinator", () => {
  test("one leader per hash across pools; the others learn its backend pid; release lets the next one lead", async () => {
    const [one, two] = [await replica(), await replica()];
    const hash = newHash();
    const lease = await one.tryLead(hash, { finalPath: finalPath(hash) });
    if (lease === "held-elsewhere") throw new Error("first tryLead should lead");
    expect(await two.tryLead(hash, { finalPath: finalPath(hash) })).toBe("held-elsewhere");
    expect(two.remote.get(toDisplayHex(hash))).toBe(lease.pid);
    expect(await two.holder(hash)).toBe(lease.pid);
    // Same replica, second request: sessions differ, so it is held elsewhere too (never two builds).
    expect(await one.tryLead(hash, { finalPath: finalPath(hash) })).toBe("held-elsewhere");
    await lease.release();
    await lease.release();
    const next = await two.tryLead(hash, { finalPath: finalPath(hash) });
    expect(next).not.toBe("held-elsewhere");
    if (next !== "held-elsewhere") await next.release();
  });

  test("the lock dies with its session: a process holding it killed with SIGKILL frees it for the others", async () => {
    const c = await replica();
    const hash = newHash();
    const key = lockKey(hash, lockNamespace("coord_test"));
    const child = Bun.spawn(
      [
        "bun",
        "-e",
        `const sql = new Bun.SQL(${JSON.stringify(pg)}, { max: 1 });
         const [r] = await sql\`SELECT pg_try_advisory_lock(${key}::bigint) AS ok\`;
         console.log(r.ok ? "locked" : "busy");
         await Bun.sleep(60_000);`,
      ],
      { stdout: "pipe" },
    );
    const reader = child.stdout.getReader();
    const line = new TextDecoder().decode((await reader.read()).value);
    expect(line.trim()).toBe("locked");
    expect(await c.tryLead(hash, { finalPath: finalPath(hash) })).toBe("held-elsewhere");
    child.kill(9);
    await child.exited;
    // Postgres reaps the session when its socket closes; poll (bounded) until the lock is free.
    let lease = await c.tryLead(hash, { finalPath: finalPath(hash) });
    for (let i = 0; lease === "held-elsewhere" && i < 200; i++) {
      await Bun.sleep(25);
      lease = await c.tryLead(hash, { finalPath: finalPath(hash) });
    }
    expect(lease).not.toBe("held-elsewhere");
    if (lease !== "held-elsewhere") await lease.release();
  });

  test("schemas are namespaces: tenants sharing a database do not serialise each other's builds", async () => {
    const [t1, t2] = [await replica("tenant_one"), await replica("tenant_two")];
    const hash = newHash();
    const a = await t1.tryLead(hash, { finalPath: finalPath(hash) });
    const b = await t2.tryLead(hash, { finalPath: finalPath(hash) });
    expect(a).not.toBe("held-elsewhere");
    expect(b).not.toBe("held-elsewhere");
    for (const l of [a, b]) if (l !== "held-elsewhere") await l.release();
  });

  test("a leftover temp file under the new leader's own lease name is removed (no live build can own it)", async () => {
    // One connection: the second lease has the first one's backend pid, as a crashed builder's
    // session pid may be reused later.
    const c = new PostgresBuildCoordinator(new Bun.SQL(pg as string, { max: 1 }), {
      namespace: lockNamespace("coord_test"),
      followTimeoutMs: 1000,
    });
    open.push(c);
    const hash = newHash();
    const first = await c.tryLead(hash, { finalPath: finalPath(hash) });
    if (first === "held-elsewhere") throw new Error("expected to lead");
    const name = first.tempName(finalPath(hash));
    await first.release();
    writeFileSync(join(dir, name), "stale");
    const again = await c.tryLead(hash, { finalPath: finalPath(hash) });
    if (again === "held-elsewhere") throw new Error("expected to lead");
    expect(again.pid).toBe(first.pid);
    expect(readdirSync(dir)).not.toContain(name);
    await again.release();
  });

  test("heartbeat: a session idle timeout shorter than the build frees an idle lease's lock but not a beating one's; a killed session is reported lost", async () => {
    // Every session of these pools ends after 400 ms idle, as a DBA's idle_session_timeout or an
    // idle-cutting proxy would do it.
    const pool = () => new Bun.SQL(pg as string, { max: 1, connection: { idle_session_timeout: "400" } } as never);
    const options = { namespace: lockNamespace("coord_test"), followTimeoutMs: 1000 };
    const beating = new PostgresBuildCoordinator(pool(), { ...options, heartbeatMs: 100 });
    const silent = new PostgresBuildCoordinator(pool(), { ...options, heartbeatMs: 0 });
    open.push(beating, silent);
    const watcher = await replica();
    const [h1, h2] = [newHash(), newHash()];
    const withBeat = await beating.tryLead(h1, { finalPath: finalPath(h1) });
    const without = await silent.tryLead(h2, { finalPath: finalPath(h2) });
    if (withBeat === "held-elsewhere" || without === "held-elsewhere") throw new Error("expected to lead");
    const lost: unknown[] = [];
    withBeat.onLost((e) => lost.push(e));
    await Bun.sleep(1200);
    expect(await watcher.holder(h2)).toBeUndefined();
    expect(await watcher.holder(h1)).toBe(withBeat.pid);
    expect(withBeat.lost).toBe(false);

    const admin = new Bun.SQL(pg as string, { max: 1 });
    await admin`SELECT pg_terminate_backend(${withBeat.pid})`;
    await admin.close();
    await waitFor(() => withBeat.lost, 5000, "the lost lease");
    expect(lost.length).toBe(1);
    await withBeat.release();
    await without.release();
  });

  test("a SQLite tx store needs no coordinator", async () => {
    expect(await openCoordinator({ txstore: "sqlite://./x.sqlite", createCap: 4, followTimeoutMs: 1 })).toBeUndefined();
  });
});
