import { join } from "node:path";

const MAIN = join(import.meta.dir, "..", "main.ts");

/** `subtreekit-asset import …` as a child process into stores under `dir`. */
export async function importCli(dir: string, args: string[]) {
  const child = Bun.spawn(
    [
      "bun",
      MAIN,
      "import",
      "--txstore",
      `sqlite://${dir}/tx.sqlite`,
      "--subtreestore",
      `file://${dir}/blobs?fsync=none`,
      ...args,
    ],
    { cwd: dir, stdout: "pipe", stderr: "pipe" },
  );
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { stdout, stderr, code };
}
