import { describe, expect, test } from "bun:test";
import { CollectEvery } from "./collect-every.ts";

describe("CollectEvery", () => {
  test("requests one collection each time `every` units have passed, whatever the step sizes", () => {
    const c = new CollectEvery(100);
    for (let i = 0; i < 99; i++) c.add(1);
    expect(c.requested).toBe(0);
    c.add(1);
    expect(c.requested).toBe(1);
    c.add(250); // one step past several thresholds still asks once, and starts counting again
    expect(c.requested).toBe(2);
    c.add(99);
    expect(c.requested).toBe(2);
    c.add(1);
    expect(c.requested).toBe(3);
  });

  test("a full collection runs at once", () => {
    const c = new CollectEvery(1, { full: true });
    let ref: WeakRef<object> | undefined;
    (() => {
      ref = new WeakRef(new Uint8Array(1 << 20));
    })();
    c.add(1);
    expect(c.requested).toBe(1);
    expect(ref!.deref()).toBeUndefined();
  });

  test("every must be positive", () => {
    for (const bad of [0, -1, Number.NaN]) expect(() => new CollectEvery(bad)).toThrow(RangeError);
  });
});
