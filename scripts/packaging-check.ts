#!/usr/bin/env bun
// The release as a new user meets it (issue 19): publish every package with the project's own
// `bun run release:publish` to a real local registry (Verdaccio), install them from there into a
// fresh Node 20 project and a fresh Bun project with the READMEs' own install lines, run every
// README example unchanged (against the demo server of `bun start`), type-check them with the
// oldest supported TypeScript and the repository's, and check that Node refuses the Bun-only
// entries with one sentence. Takes a few minutes and the npm registry (Verdaccio, TypeScript,
// zod), so it is not part of `bun run test`: run it before a release.
//
//   bun run check:packaging [-- --ts 5.7.3,5.9.3] [-- --keep]
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { startDemoServer } from "../packages/testkit/src/demo-server.ts";
import { NODE_REFUSALS } from "../packages/testkit/src/node-refusals.ts";
import { type ReadmeExample, readmeExamples } from "../packages/testkit/src/readme-examples.ts";
import { publishOrder, workspacePackages } from "./lib/workspace-packages.ts";
import { ConsumerProject, type Ran } from "./packaging-check/consumer-project.ts";
import { startLocalRegistry } from "./packaging-check/verdaccio.ts";

/**
 * The oldest TypeScript docs/releasing.md states, checked here with the repository's own: 5.4
 * for the packages that run on Node (zod 4's types use `NoInfer`; 5.3 fails), and 5.7 in a Bun
 * project, where @types/bun 1.4 uses generic typed arrays (5.6 fails).
 */
export const MIN_TYPESCRIPT = { node: "5.4.5", bun: "5.7.3" } as const;

const ROOT = resolve(import.meta.dir, "..");
const repoTs = JSON.parse(readFileSync(join(ROOT, "node_modules/typescript/package.json"), "utf8")).version as string;
const { values } = (() => {
  try {
    return parseArgs({
      args: process.argv.slice(2),
      options: { ts: { type: "string" }, keep: { type: "boolean" } },
      strict: true,
    });
  } catch (e) {
    console.error(`${(e as Error).message}\nusage: bun run check:packaging [-- --ts 5.7.3,5.9.3] [-- --keep]`);
    process.exit(2);
  }
})();
const tsVersions = {
  node: values.ts?.split(",") ?? [MIN_TYPESCRIPT.node, repoTs],
  bun: values.ts?.split(",") ?? [MIN_TYPESCRIPT.bun, repoTs],
};

const results: { name: string; ok: boolean; detail?: string }[] = [];
function check(name: string, ok: boolean, detail?: string) {
  results.push({ name, ok, ...(ok || !detail ? {} : { detail }) });
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${ok || !detail ? "" : `\n${detail.trim().replace(/^/gm, "     ")}`}`);
}
const tail = (r: Ran) => r.out.trim().split("\n").slice(-25).join("\n");

const packages = publishOrder(workspacePackages(ROOT));
const examples = packages.flatMap((p) =>
  readmeExamples(join(ROOT, p.dir, "README.md")).map((ex) => ({
    pkg: p,
    ex,
    file: `${p.dir.split("/")[1]}-${ex.line}`,
  })),
);
/** The package README's install lines, as written: `bun add …` lines, and their `npm install …` alternatives. */
function installLines(dir: string, tool: "bun" | "npm"): string[] {
  const text = readFileSync(join(ROOT, dir, "README.md"), "utf8");
  const install = /## Install\n[\s\S]*?```sh\n([\s\S]*?)```/.exec(text)?.[1] ?? "";
  const re = tool === "bun" ? /^(bun add [^#\n]*)/ : /(npm install [^#\n]*)/;
  return install
    .split("\n")
    .map((l) => re.exec(l)?.[1]?.trim())
    .filter((l): l is string => !!l);
}

/** The fresh projects made below, removed at the end unless --keep. */
const projects: ConsumerProject[] = [];
const registry = await startLocalRegistry();
const demo = await startDemoServer();
console.log(`local registry ${registry.url}; demo server ${demo.url}`);
try {
  // 1. Publishing with the project's own command.
  const noToken: Record<string, string> = { NPM_CONFIG_TOKEN: "", npm_config_token: "" };
  const publish = (env: Record<string, string>, flags: string[] = []): Ran => {
    const cmd = ["bun", "run", "release:publish", "--registry", registry.url, ...flags];
    const r = Bun.spawnSync(cmd, { cwd: ROOT, env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
    return { code: r.exitCode ?? 1, out: `${r.stdout.toString()}${r.stderr.toString()}` };
  };
  const viewer = new ConsumerProject("viewer", registry.url);
  projects.push(viewer);
  const onRegistry = () =>
    packages.filter((p) => {
      const r = viewer.run(["npm", "view", `${p.name}@${p.version}`, "version"]);
      return r.code === 0 && r.out.trim().endsWith(p.version);
    });
  const refused = publish(noToken);
  check(
    "release:publish without a token stops before publishing anything and says how to give one",
    refused.code !== 0 &&
      /needs a token/.test(refused.out) &&
      /NPM_CONFIG_TOKEN/.test(refused.out) &&
      onRegistry().length === 0,
    tail(refused),
  );
  const dry = publish({ NPM_CONFIG_TOKEN: "packaging-check" }, ["--dry-run"]);
  check(
    "release:publish --dry-run checks all packages and publishes nothing",
    dry.code === 0 && /dry run, would publish: /.test(dry.out) && onRegistry().length === 0,
    tail(dry),
  );
  const published = publish({ NPM_CONFIG_TOKEN: "packaging-check" });
  const order = /dependency order: (.*)/.exec(published.out)?.[1];
  check(
    `release:publish with a token publishes all ${packages.length} packages in dependency order (${order})`,
    published.code === 0 && onRegistry().length === packages.length,
    tail(published),
  );
  const again = publish({ NPM_CONFIG_TOKEN: "packaging-check" });
  check(
    "release:publish again publishes nothing",
    again.code === 0 && /nothing to publish/.test(again.out),
    tail(again),
  );

  // 2. A fresh Node 20 project: npm install, refusals, examples compiled by tsc and run by node.
  const node = new ConsumerProject("node-consumer", registry.url);
  projects.push(node);
  const nodeMajor = node.run(["node", "-p", "process.versions.node"]).out.trim();
  check(`node ${nodeMajor} is Node 20 or later`, Number(nodeMajor.split(".")[0]) >= 20);
  const npmLines = packages.flatMap((p) => installLines(p.dir, "npm"));
  for (const line of npmLines) {
    const r = node.sh(`${line} --no-audit --no-fund`);
    check(`node project: ${line}`, r.code === 0, tail(r));
  }
  const stores = node.sh("npm install --no-audit --no-fund @subtreekit/stores");
  check(
    "node project: npm install @subtreekit/stores (it installs; importing it must refuse)",
    stores.code === 0,
    tail(stores),
  );
  for (const [spec, sentence] of Object.entries(NODE_REFUSALS)) {
    const esm = node.run([
      "node",
      "--input-type=module",
      "-e",
      `import(${JSON.stringify(spec)}).then(() => console.log("imported"), (e) => console.log(e.message))`,
    ]);
    check(`node: import ${spec} refuses with "${sentence}"`, esm.out.trim() === sentence, esm.out);
    const cjs = node.run([
      "node",
      "--no-warnings",
      "-e",
      `try { require(${JSON.stringify(spec)}); console.log("imported") } catch (e) { console.log(e.message) }`,
    ]);
    check(`node: require ${spec} refuses with the same sentence`, cjs.out.trim() === sentence, cjs.out);
  }
  cpSync(join(demo.cwd, "data/subtreestore"), join(node.dir, "data/subtreestore"), { recursive: true });
  const nodeExamples = examples.filter(({ ex }) => !ex.bunOnly);
  mkdirSync(join(node.dir, "examples"));
  for (const { file, ex } of nodeExamples) writeFileSync(join(node.dir, "examples", `${file}.ts`), ex.code);
  for (const ts of tsVersions.node) {
    const add = node.sh(`npm install --no-audit --no-fund -D typescript@${ts} @types/node@20`);
    check(`node project: npm install -D typescript@${ts} @types/node@20`, add.code === 0, tail(add));
    for (const resolution of ["nodenext", "node16", "bundler"]) {
      const tsconfig = {
        compilerOptions: {
          module: resolution === "bundler" ? "esnext" : resolution,
          moduleResolution: resolution,
          target: "es2022",
          lib: ["es2022", "esnext.disposable"], // Node's globals (fetch, streams) come from @types/node
          types: ["node"],
          strict: true,
          skipLibCheck: false,
          outDir: "out",
          noEmit: resolution !== "nodenext",
        },
        include: ["examples/*.ts"],
      };
      writeFileSync(join(node.dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
      const tsc = node.run(["npx", "tsc", "-p", "."]);
      check(
        `node project, TypeScript ${ts}, moduleResolution ${resolution}, skipLibCheck false: the README examples type-check`,
        tsc.code === 0,
        tail(tsc),
      );
    }
    for (const { file, pkg, ex } of nodeExamples) {
      const r = runTwice(() => node.run(["node", `out/${file}.js`], { SUBTREEKIT_ASSET_URL: demo.url }), ex);
      check(`node, TypeScript ${ts}: ${pkg.name} README example at line ${ex.line} runs${says(ex)}`, r.ok, r.detail);
    }
  }

  // 3. A fresh Bun project (isolated linker): the READMEs' bun add lines as written, every example.
  const bun = new ConsumerProject("bun-consumer", registry.url, { isolatedLinker: true });
  projects.push(bun);
  for (const line of packages.flatMap((p) => installLines(p.dir, "bun"))) {
    const r = bun.sh(line);
    check(`bun project: ${line}`, r.code === 0, tail(r));
  }
  cpSync(join(demo.cwd, "data/subtreestore"), join(bun.dir, "data/subtreestore"), { recursive: true });
  mkdirSync(join(bun.dir, "examples"));
  for (const { file, pkg, ex } of examples) {
    writeFileSync(join(bun.dir, "examples", `${file}.ts`), ex.code);
    const r = runTwice(() => bun.run(["bun", `examples/${file}.ts`], { SUBTREEKIT_ASSET_URL: demo.url }), ex);
    check(`bun: ${pkg.name} README example at line ${ex.line} runs unchanged, twice${says(ex)}`, r.ok, r.detail);
  }
  for (const ts of tsVersions.bun) {
    const add = bun.sh(`bun add -d typescript@${ts}`);
    check(`bun project: bun add -d typescript@${ts}`, add.code === 0, tail(add));
    const tsconfig = {
      compilerOptions: {
        // What `bun init` writes, with type-checking of every .d.ts on.
        module: "preserve",
        moduleResolution: "bundler",
        target: "esnext",
        lib: ["esnext"],
        types: ["bun"],
        strict: true,
        skipLibCheck: false,
        noEmit: true,
      },
      include: ["examples/*.ts"],
    };
    writeFileSync(join(bun.dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
    const tsc = bun.run(["bun", "x", "tsc", "-p", "."]);
    check(
      `bun project, TypeScript ${ts} with @types/bun, skipLibCheck false: every README example type-checks`,
      tsc.code === 0,
      tail(tsc),
    );
  }
  if (values.keep) console.log(`kept: node project ${node.dir}, bun project ${bun.dir}`);
} finally {
  await demo.stop();
  await registry.stop();
  if (!values.keep) for (const p of projects) rmSync(p.dir, { recursive: true, force: true });
}

function says(ex: ReadmeExample): string {
  return ex.prints ? ` and prints ${JSON.stringify(ex.prints.join(" / "))}` : "";
}

/** Runs an example twice (a user runs it again); both must exit 0 with no stderr and print what it says. */
function runTwice(once: () => Ran, ex: ReadmeExample): { ok: boolean; detail: string } {
  for (const attempt of ["first", "second"]) {
    const r = once();
    const lines = r.out.trimEnd().split("\n");
    if (r.code !== 0 || (ex.prints && JSON.stringify(lines) !== JSON.stringify(ex.prints)))
      return { ok: false, detail: `${attempt} run, exit ${r.code}:\n${tail(r)}` };
  }
  return { ok: true, detail: "" };
}

const failed = results.filter((r) => !r.ok);
console.log(`\n${results.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
