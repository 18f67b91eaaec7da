// Sums every workspace's junit report into the one line CI reads: "N passed, N failed".
import { Glob } from "bun";

let passed = 0;
let failed = 0;
let files = 0;
for await (const file of new Glob("{packages,apps}/*/test-results/junit.xml").scan(".")) {
  files++;
  const xml = await Bun.file(file).text();
  // Each <testcase> is one test; a failure or error child marks it failed, <skipped> skipped.
  for (const m of xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const body = m[2] ?? "";
    if (/<(failure|error)\b/.test(body)) failed++;
    else if (!/<skipped\b/.test(body)) passed++;
  }
}
if (files === 0) failed++;
console.log(`${passed} passed, ${failed} failed`);
