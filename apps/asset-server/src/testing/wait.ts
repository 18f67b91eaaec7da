/** Polls `cond` until true (real time; integration tests only), failing after `ms`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, ms = 5000, what = "condition"): Promise<void> {
  const end = performance.now() + ms;
  while (!(await cond())) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}
