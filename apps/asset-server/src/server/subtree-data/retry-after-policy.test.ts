import { describe, expect, test } from "bun:test";
import { loadSettings } from "@subtreekit/settings";
import type { AssetSettings } from "../settings.ts";
import { constantRetryAfter, retryAfterPolicy } from "./retry-after-policy.ts";
import { RetrySchedule } from "./retry-schedule.ts";

const settings = (over: Partial<AssetSettings>) =>
  ({ ...loadSettings({ env: {}, files: [] }), ...over }) as AssetSettings;

/** x is due at t0 + 4 s and a permit is free then: the moment the schedule may defer it. */
function dueMoment(defer: boolean) {
  const clock = { t: 0 };
  const p = retryAfterPolicy(
    settings({ asset_subtree_data_retry_after_max_s: 30, asset_subtree_data_retry_defer: defer }),
    1,
    () => clock.t,
  );
  p.started("learn");
  clock.t += 4000;
  p.ended("learn", true);
  const t0 = clock.t;
  p.started("a");
  expect(p.retryAfterS("x")).toBe(4);
  p.ended("a", true);
  clock.t = t0 + 4000;
  return p;
}

describe("RetryAfterPolicy (fake clock, no sleeps)", () => {
  test("constant: the reference's Retry-After whatever happens, and a free permit goes to whoever asks", () => {
    const p = constantRetryAfter(3);
    p.started("a");
    p.progress("a", () => 0.5);
    expect(p.retryAfterS("x")).toBe(3);
    expect(p.retryAfterS("x")).toBe(3);
    p.ended("a", true);
    expect(p.mayStart("y", 1)).toBe(true);
    expect(p.mayStart("y", 0)).toBe(false);
  });

  test("the settings pick it: max_s ≤ retry_after_s is the constant, above it the schedule", () => {
    const constant = retryAfterPolicy(
      settings({ asset_subtree_data_retry_after_s: 2, asset_subtree_data_retry_after_max_s: 2 }),
      4,
    );
    expect(constant).not.toBeInstanceOf(RetrySchedule);
    expect(constant.retryAfterS("x")).toBe(2);
    expect(retryAfterPolicy(settings({}), 4)).toBeInstanceOf(RetrySchedule);
  });

  test("deferral on (the default): a free permit is held for the subtree whose moment has come", () => {
    const p = dueMoment(true);
    expect(p.mayStart("y", 1)).toBe(false);
    expect(p.mayStart("x", 1)).toBe(true);
  });

  test("asset_subtree_data_retry_defer=false: the same moment, first come first served", () => {
    const p = dueMoment(false);
    expect(p.mayStart("y", 1)).toBe(true);
    expect(p.mayStart("x", 1)).toBe(true);
    // The hints themselves are the schedule's still.
    expect(p.retryAfterS("z")).toBeGreaterThanOrEqual(1);
  });
});
