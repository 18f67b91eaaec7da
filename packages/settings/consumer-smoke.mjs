// Run by packages/testkit/src/packaging.test.ts against the packed tarball, under Node 20 and Bun.
import { loadSettings } from "@subtreekit/settings";

const settings = loadSettings({ cwd: process.cwd(), env: {} });
if (settings.asset_concurrency_subtree_data_create !== 4) throw new Error("unexpected default");
if (!Object.isFrozen(settings)) throw new Error("settings not frozen");
console.log("ok");
