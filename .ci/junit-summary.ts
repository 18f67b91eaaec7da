// Sums every workspace's junit report into the one line CI reads: "N passed, N failed".
// A workspace with a test script but no report counts as a failure: its tests did not run.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

let passed = 0;
let failed = 0;
for (const root of ["packages", "apps"]) {
  for (const name of readdirSync(root)) {
    const dir = join(root, name);
    if (!existsSync(join(dir, "package.json"))) continue;
    const pkg = await Bun.file(join(dir, "package.json")).json();
    if (!pkg.scripts?.test) continue;
    const report = join(dir, "test-results", "junit.xml");
    if (!existsSync(report)) {
      console.error(`no test report from ${dir}`);
      failed++;
      continue;
    }
    const xml = await Bun.file(report).text();
    // Each <testcase> is one test; a failure or error child marks it failed, <skipped> skipped.
    for (const m of xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
      const body = m[2] ?? "";
      if (/<(failure|error)\b/.test(body)) failed++;
      else if (!/<skipped\b/.test(body)) passed++;
    }
  }
}
console.log(`${passed} passed, ${failed} failed`);
