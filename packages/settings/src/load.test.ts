// biome-ignore-all lint/suspicious/noTemplateCurlyInString: settings files spell ${VAR} literally
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { isSettingsError, type SettingsError } from "./errors.ts";
import { loadSettings } from "./load.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A temp cwd holding the given settings files. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "stk-settings-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function loadError(cwd: string, env: Record<string, string> = {}): SettingsError {
  try {
    loadSettings({ cwd, env, onWarning: () => {} });
  } catch (err) {
    if (isSettingsError(err)) return err;
    throw err;
  }
  throw new Error("expected a SettingsError");
}

describe("precedence", () => {
  const cwd = () =>
    project({
      "settings.conf": "# base\nasset_concurrency_subtree_data_create = 5\nasset_apiPrefix = /conf\nlogLevel = warn\n",
      "settings_local.conf": "asset_apiPrefix = /local\nlogLevel = error\n",
    });

  test("defaults apply when nothing is set", () => {
    const s = loadSettings({ cwd: project({}), env: {} });
    expect(s.asset_concurrency_subtree_data_create).toBe(4);
    expect(s.asset_httpListenAddress).toBe(":8090");
    expect(s.asset_subtree_data_finish_on_disconnect).toBe(false);
  });

  test("settings.conf < settings_local.conf", () => {
    const s = loadSettings({ cwd: cwd(), env: {} });
    expect(s.asset_concurrency_subtree_data_create).toBe(5); // only in settings.conf
    expect(s.asset_apiPrefix).toBe("/local"); // local wins
  });

  test("settings_local.conf < env upper-case < env exact", () => {
    const dir = cwd();
    expect(loadSettings({ cwd: dir, env: { ASSET_APIPREFIX: "/upper" } }).asset_apiPrefix).toBe("/upper");
    const both = loadSettings({ cwd: dir, env: { ASSET_APIPREFIX: "/upper", asset_apiPrefix: "/exact" } });
    expect(both.asset_apiPrefix).toBe("/exact");
    expect(both.logLevel).toBe("error");
  });

  test("files option replaces the default list, in order", () => {
    const dir = project({
      "a.conf": "logLevel = debug\n",
      "b.conf": "logLevel = trace\n",
      "settings.conf": "logLevel = warn",
    });
    expect(loadSettings({ cwd: dir, env: {}, files: ["a.conf", "b.conf"] }).logLevel).toBe("trace");
    expect(loadSettings({ cwd: dir, env: {}, files: ["b.conf", "a.conf"] }).logLevel).toBe("debug");
  });
});

describe("parsing", () => {
  test("booleans, durations, numbers and comments", () => {
    const dir = project({
      "settings.conf": [
        "asset_subtree_data_finish_on_disconnect = YES   # inline comment",
        "asset_semaphore_timeout_ms = 30s",
        "peer_retry_initial_delay_ms = 250ms",
        "http_streaming_timeout = 5m",
        "asset_shutdown_grace_ms = 1500",
        "subtreevalidation_percentageMissingGetFullData = 12.5",
        "txstore = postgres://user@db:5432/tx",
      ].join("\n"),
    });
    const s = loadSettings({ cwd: dir, env: {} });
    expect(s.asset_subtree_data_finish_on_disconnect).toBe(true);
    expect(s.asset_semaphore_timeout_ms).toBe(30_000);
    expect(s.peer_retry_initial_delay_ms).toBe(250);
    expect(s.http_streaming_timeout).toBe(300_000);
    expect(s.asset_shutdown_grace_ms).toBe(1500);
    expect(s.subtreevalidation_percentageMissingGetFullData).toBe(12.5);
    expect(s.txstore).toBe("postgres://user@db:5432/tx");
  });

  test.each([
    ["true", true],
    ["1", true],
    ["no", false],
    ["0", false],
  ])("boolean %p → %p", (raw, want) => {
    const s = loadSettings({ cwd: project({}), env: { asset_subtree_data_finish_on_disconnect: raw } });
    expect(s.asset_subtree_data_finish_on_disconnect).toBe(want);
  });

  test("concurrency: 0 → Infinity, -1 → CPU count", () => {
    const s = loadSettings({
      cwd: project({}),
      env: {
        asset_concurrency_subtree_data_create: "0",
        asset_concurrency_get_subtree_data_reader: "-1",
        asset_subtreeDataStreamingConcurrency: "-1",
      },
    });
    expect(s.asset_concurrency_subtree_data_create).toBe(Number.POSITIVE_INFINITY);
    expect(s.asset_concurrency_get_subtree_data_reader).toBe(availableParallelism());
    expect(s.asset_subtreeDataStreamingConcurrency).toBe(availableParallelism());
  });

  test("the streaming window may not be unlimited", () => {
    const err = loadError(project({}), { asset_subtreeDataStreamingConcurrency: "0" });
    expect(err.issues.map((i) => i.key)).toEqual(["asset_subtreeDataStreamingConcurrency"]);
  });

  test("the result is frozen", () => {
    const s = loadSettings({ cwd: project({}), env: {} });
    expect(Object.isFrozen(s)).toBe(true);
    expect(() => {
      (s as { logLevel: string }).logLevel = "debug";
    }).toThrow(TypeError);
  });
});

describe("bad input", () => {
  test("one error lists every bad key with value, file:line or env, and expectation", () => {
    const dir = project({
      "settings.conf": [
        "asset_concurrency_subtree_data_create = lots", // 1: non-number
        "global_blockHeightRetention = -5", // 2: negative
        "asset_subtree_data_finish_on_disconnect = maybe", // 3: bad bool
        "subtreestore = s3://bucket/x", // 4: bad URL scheme
        "asset_httpListenAddress = 8090", // 5: bad listen address
        "asset_apiPrefix = /api/${NOPE}", // 6: undefined var
        "txstore = sqlite://${DATADIR", // 7: unterminated
        "asset_semaphore_timeout_ms = soon", // 8: bad duration
      ].join("\n"),
    });
    const err = loadError(dir, { ASSET_IDLE_TIMEOUT_S: "300" });
    expect(err.code).toBe("SETTINGS_INVALID");
    expect(err.name).toBe("SettingsError");
    const byKey = Object.fromEntries(err.issues.map((i) => [i.key, i]));
    expect(Object.keys(byKey).sort()).toEqual(
      [
        "asset_apiPrefix",
        "asset_concurrency_subtree_data_create",
        "asset_httpListenAddress",
        "asset_idle_timeout_s",
        "asset_semaphore_timeout_ms",
        "asset_subtree_data_finish_on_disconnect",
        "global_blockHeightRetention",
        "subtreestore",
        "txstore",
      ].sort(),
    );
    expect(byKey.asset_concurrency_subtree_data_create).toMatchObject({ value: "lots", source: "settings.conf:1" });
    expect(byKey.global_blockHeightRetention?.expected).toContain("≥ 0");
    expect(byKey.asset_subtree_data_finish_on_disconnect?.expected).toContain("boolean");
    expect(byKey.subtreestore?.expected).toContain("file://");
    expect(byKey.asset_httpListenAddress?.source).toBe("settings.conf:5");
    expect(byKey.asset_apiPrefix?.expected).toContain("${NOPE}");
    expect(byKey.txstore?.expected).toContain("unterminated");
    expect(byKey.asset_idle_timeout_s).toMatchObject({ value: "300", source: "env ASSET_IDLE_TIMEOUT_S" });
    // The message alone is enough for an operator.
    expect(err.message).toContain(
      'asset_concurrency_subtree_data_create = "lots" (settings.conf:1): expected a positive integer',
    );
    expect(err.message).toContain("9 problems");
  });

  test("rate limit settings: a bad rate or CIDR names the key, its value and what was expected", () => {
    const err = loadError(project({}), {
      asset_httpRateLimit: "-1",
      asset_httpHeavyRateLimit: "10/s",
      asset_httpRateLimitExempt: "127.0.0.0/8,localhost",
      asset_httpTrustedProxies: "10.0.0.0/40",
    });
    const byKey = Object.fromEntries(err.issues.map((i) => [i.key, i]));
    expect(Object.keys(byKey).sort()).toEqual([
      "asset_httpHeavyRateLimit",
      "asset_httpRateLimit",
      "asset_httpRateLimitExempt",
      "asset_httpTrustedProxies",
    ]);
    expect(err.message).toContain('asset_httpRateLimit = "-1" (env asset_httpRateLimit): expected an integer ≥ 0');
    expect(err.message).toContain('asset_httpHeavyRateLimit = "10/s"');
    expect(byKey.asset_httpRateLimitExempt?.expected).toContain('"localhost" is not one');
    expect(byKey.asset_httpTrustedProxies?.expected).toContain('"10.0.0.0/40" is not one');
  });

  test("http_streaming_timeout=0 is refused at load, naming the key and what was expected", () => {
    const err = loadError(project({}), { http_streaming_timeout: "0" });
    expect(err.issues.map((i) => i.key)).toEqual(["http_streaming_timeout"]);
    expect(err.message).toContain('http_streaming_timeout = "0" (env http_streaming_timeout): expected a duration ≥ 1');
    expect(loadSettings({ cwd: project({}), env: { http_streaming_timeout: "1" } }).http_streaming_timeout).toBe(1);
  });

  test("rate limit defaults: 1024 and 10 per second, loopback exempt, no trusted proxy; 0 parses (off)", () => {
    const s = loadSettings({ cwd: project({}), env: {} });
    expect(s.asset_httpRateLimit).toBe(1024);
    expect(s.asset_httpHeavyRateLimit).toBe(10);
    expect(s.asset_httpRateLimitExempt).toEqual(["127.0.0.0/8", "::1/128"]);
    expect(s.asset_httpTrustedProxies).toEqual([]);
    const off = loadSettings({ cwd: project({}), env: { asset_httpRateLimit: "0", asset_httpRateLimitExempt: "" } });
    expect(off.asset_httpRateLimit).toBe(0);
    expect(off.asset_httpRateLimitExempt).toEqual([]);
  });

  test("a line without '=' is reported with its location", () => {
    const err = loadError(project({ "settings_local.conf": "\n\nasset_apiPrefix /x\n" }));
    expect(err.issues).toEqual([
      expect.objectContaining({ source: "settings_local.conf:3", expected: expect.stringContaining("key = value") }),
    ]);
  });
});

describe("expansion", () => {
  test("from other keys, nested, and from the environment", () => {
    const dir = project({
      "settings.conf": "DATADIR = ${ROOT}/data\nsubtreestore = file://${DATADIR}/subtrees\n",
      "settings_local.conf": "asset_apiPrefix = /${NAME}/v${asset_subtree_data_retry_after_s}\n",
    });
    const s = loadSettings({ cwd: dir, env: { ROOT: "/srv", NAME: "api" }, onWarning: () => {} });
    expect(s.subtreestore).toBe("file:///srv/data/subtrees");
    expect(s.asset_apiPrefix).toBe("/api/v1"); // ${asset_subtree_data_retry_after_s} falls back to its default
  });

  test("env overrides a variable used in a file", () => {
    const dir = project({ "settings.conf": "DATADIR = ./data\nsubtreestore = file://${DATADIR}/s\n" });
    expect(loadSettings({ cwd: dir, env: { DATADIR: "/mnt" } }).subtreestore).toBe("file:///mnt/s");
  });

  test("a cycle is an error naming the chain", () => {
    const dir = project({ "settings.conf": "A = ${logLevel}\nlogLevel = ${A}\n" });
    const err = loadError(dir);
    expect(err.issues[0]?.expected).toContain("logLevel -> A -> logLevel");
  });

  test("env values are literal", () => {
    expect(loadSettings({ cwd: project({}), env: { asset_apiPrefix: "/${x}" } }).asset_apiPrefix).toBe("/${x}");
  });
});

describe("warnings", () => {
  test("unknown keys warn with their location; referenced helper keys do not", () => {
    const warnings: string[] = [];
    const dir = project({ "settings.conf": "DATADIR = /d\nsubtreestore = file://${DATADIR}\nasset_apiPrefx = /x\n" });
    loadSettings({ cwd: dir, env: {}, onWarning: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"asset_apiPrefx" (settings.conf:3)');
  });
});

describe("contexts", () => {
  const files = {
    "settings.conf":
      "logLevel = warn\nlogLevel.docker = debug\nlogLevel.docker.m = trace\nasset_apiPrefix.docker = /d\n",
  };

  test("the most specific context key wins; no context uses the plain key", () => {
    const dir = project(files);
    expect(loadSettings({ cwd: dir, env: {} }).logLevel).toBe("warn");
    expect(loadSettings({ cwd: dir, env: {}, context: "docker" }).logLevel).toBe("debug");
    const m = loadSettings({ cwd: dir, env: { SETTINGS_CONTEXT: "docker.m" } });
    expect(m.logLevel).toBe("trace");
    expect(m.asset_apiPrefix).toBe("/d"); // falls back from docker.m to docker
  });

  test("context keys of known settings are not reported as unknown", () => {
    const warnings: string[] = [];
    loadSettings({ cwd: project(files), env: {}, onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
  });
});

describe("cross-key checks", () => {
  test("initial retry delay above the cap is reported with both sources", () => {
    const err = loadError(project({ "settings.conf": "peer_retry_max_delay_ms = 100\n" }), {
      PEER_RETRY_INITIAL_DELAY_MS: "1s",
    });
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({
      key: "peer_retry_initial_delay_ms",
      source: "env PEER_RETRY_INITIAL_DELAY_MS",
    });
    expect(err.issues[0]?.expected).toContain('peer_retry_max_delay_ms = "100" (settings.conf:1)');
  });
});

test("a wrong-case key gets a did-you-mean hint", () => {
  const warnings: string[] = [];
  loadSettings({
    cwd: project({ "settings.conf": "asset_apiprefix = /x\n" }),
    env: {},
    onWarning: (w) => warnings.push(w),
  });
  expect(warnings[0]).toContain('did you mean "asset_apiPrefix"?');
});
